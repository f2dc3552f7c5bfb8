"""Shared code for the course *Convolutional and Recurrent Neural Networks with Keras*.

One module per job:

- `utils.runtime`: run mode (`COURSE_MODE`), sizes per mode, seeds, where the
  project's folders are.
- `utils.sources`: where a data set's files come from (offline folder, system
  copy, cache, download), each checked against its checksum.
- `utils.archives`: checksums and safe, atomic extraction of downloaded archives.
- `utils.data`: one loader per data set of the course: decode its files.
- `utils.results`: each notebook's headline metrics, written to `results/`.
- `utils.plots`: the figures the lessons share.
- `utils.conv`: convolution and pooling by hand (NumPy reference).
- `utils.recurrent`: the simple RNN and the LSTM by hand (NumPy reference).
- `utils.abc_notation`: ABC text: cut it into tunes, parse a tune into notes, split it into bars.
- `utils.tune_checks`: judge generated tunes: valid ABC? how much copied from a corpus?
- `utils.audio`: play a parsed tune (NumPy synthesis).
- `utils.sentiment`: the IMDB pipeline and models of lesson 05.
- `utils.distribute`: the `tf.distribute` strategy for the machine at hand.
- `utils.colab`: the Colab badge and setup cell every notebook opens with.
"""
