"""Shared code for the course *Convolutional and Recurrent Neural Networks with Keras*.

One module per job:

- `utils.runtime`: run mode (`COURSE_MODE`), sizes per mode, seeds, where the
  project's folders are.
- `utils.archives`: checksums and safe, atomic extraction of downloaded archives.
- `utils.data`: one offline-first loader per data set of the course.
- `utils.results`: each notebook's headline metrics, written to `results/`.
- `utils.plots`: the figures the lessons share.
- `utils.conv`: convolution and pooling by hand (NumPy reference).
- `utils.recurrent`: the simple RNN and the LSTM by hand (NumPy reference).
- `utils.music`: ABC tunes: parse, extract from generated text, judge, synthesise audio.
- `utils.charlm`: the character-level LSTM of lesson 06: vocabulary, windows, model, sampler.
- `utils.sentiment`: the IMDB pipeline and models of lesson 05.
- `utils.distribute`: the `tf.distribute` strategy for the machine at hand.
- `utils.colab`: the Colab badge and setup cell every notebook opens with.
"""
