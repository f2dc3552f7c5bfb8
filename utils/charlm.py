"""A character-level language model: vocabulary, training windows, the LSTM, and a sampling loop.

Lesson 06 trains it on ABC folk tunes and `benchmarks/music_generation.py`
measures it; both use this module so the figures come from the same code.
The network reads one character at a time and predicts the next (many-to-many):
Embedding -> LSTM -> Dense logits over the vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf


@dataclass(frozen=True)
class Vocabulary:
    """The characters of a corpus, sorted, with char <-> index mappings."""

    chars: str

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> Vocabulary:
        """Every distinct character of `texts`, in code-point order."""
        return cls("".join(sorted(set("".join(texts)))))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """The indices of the characters of `text` (int32); unknown characters raise `ValueError`."""
        index = {c: i for i, c in enumerate(self.chars)}
        unknown = sorted(set(text) - index.keys())
        if unknown:
            raise ValueError(
                f"characters {''.join(unknown)!r} are not in the vocabulary of {len(self)} characters; "
                "build the vocabulary from a corpus that contains them"
            )
        return np.array([index[c] for c in text], dtype=np.int32)

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        """The text of a sequence of indices."""
        return "".join(self.chars[int(i)] for i in ids)


def split_by_tune(tunes: Sequence[str], held_out_fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """Shuffle whole tunes and hold out a fraction, so no held-out tune is partly seen in training."""
    if not 0 < held_out_fraction < 1:
        raise ValueError(f"held_out_fraction must be between 0 and 1, got {held_out_fraction}")
    order = np.random.default_rng(seed).permutation(len(tunes))
    count = max(1, round(held_out_fraction * len(tunes)))
    held_out = {int(i) for i in order[:count]}
    train = [t for i, t in enumerate(tunes) if i not in held_out]
    return train, [tunes[i] for i in sorted(held_out)]


def join_tunes(tunes: Sequence[str]) -> str:
    """One training text: tunes separated by a blank line, as in an ABC file."""
    return "\n\n".join(t.strip() for t in tunes) + "\n\n"


def windows(
    ids: np.ndarray,
    length: int,
    batch_size: int | None,
    stride: int | None = None,
    shuffle_seed: int | None = None,
) -> tf.data.Dataset:
    """Windows of `length` characters with next-character targets: x = ids[s:s+L], y = ids[s+1:s+L+1].

    Window starts are `stride` apart (default: `length`, non-overlapping);
    with `shuffle_seed` their order is reshuffled every epoch. `batch_size`
    None puts every window in one batch (fast evaluation of long held-out
    windows: one pass of the LSTM over `length` steps). Raises `ValueError`
    when the text is too short for one batch of windows.
    """
    stride = stride or length
    starts = np.arange(0, len(ids) - length, stride, dtype=np.int64)
    batch_size = batch_size or max(1, len(starts))
    if len(starts) < batch_size:
        raise ValueError(
            f"{len(ids)} characters give {len(starts)} windows of {length}; "
            f"need at least one batch of {batch_size}: use a shorter window or smaller batch"
        )
    text = tf.constant(ids)
    dataset = tf.data.Dataset.from_tensor_slices(starts)
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(starts), seed=shuffle_seed, reshuffle_each_iteration=True)

    def window(start: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        chunk = text[start : start + length + 1]
        return chunk[:-1], chunk[1:]

    return dataset.map(window).batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def build_model(
    vocab_size: int,
    embedding_dim: int,
    units: int,
    dropout: float,
    input_dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
) -> keras.Model:
    """Embedding -> LSTM (every step's output) -> Dropout -> Dense logits, one prediction per input character.

    `input_dropout` and `recurrent_dropout` are the LSTM's own dropout of its
    inputs and of its state between steps (the same mask at every step), the
    regularisers that keep an LSTM from memorising a small corpus. Recurrent
    dropout rules out the cuDNN kernel on a GPU; leave it at 0 where GPU speed
    matters more. The sequence length is left open: the same weights train on
    windows and generate one character at a time.
    """
    inputs = keras.Input(shape=(None,), dtype="int32", name="characters")
    x = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs)
    x = keras.layers.LSTM(
        units, return_sequences=True, dropout=input_dropout, recurrent_dropout=recurrent_dropout, name="lstm"
    )(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    logits = keras.layers.Dense(vocab_size, name="logits")(x)
    return keras.Model(inputs, logits, name="char_lstm")


def compile_model(model: keras.Model, learning_rate: float, total_steps: int) -> None:
    """Adam with a cosine learning-rate decay to 0 over `total_steps` and gradient clipping; loss from logits.

    Clipping the gradient norm at 1 keeps the first steps of an LSTM stable;
    the decay lets the last epochs settle into a minimum.
    """
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=total_steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )


class Sampler:
    """Generates text from a trained `build_model` network, one character per step, carrying the LSTM state.

    The trained layers are reused (no copy): each step embeds the last
    character of every stream, advances the LSTM cell one step from the carried
    state (h, c), and samples the next characters from softmax(logits / T).
    Reading a text this way gives the same logits as the model reading it whole.
    """

    def __init__(self, model: keras.Model) -> None:
        self.embedding = model.get_layer("embedding")
        self.lstm = model.get_layer("lstm")
        self.logits = model.get_layer("logits")
        self.units = self.lstm.units

    def next_logits(self, chars: tf.Tensor, h: tf.Tensor, c: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        """Read one character per stream: logits for the next one and the new state (h, c)."""
        output, (h, c) = self.lstm.cell(self.embedding(chars), [h, c])
        return self.logits(output), h, c

    @tf.function(reduce_retracing=True)
    def _sample_step(
        self, chars: tf.Tensor, h: tf.Tensor, c: tf.Tensor, temperature: tf.Tensor, seed: tf.Tensor
    ) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
        logits, h, c = self.next_logits(chars, h, c)
        nxt = tf.random.stateless_categorical(logits / temperature, 1, seed=seed, dtype=tf.int32)[:, 0]
        return nxt, h, c

    def generate(
        self,
        vocab: Vocabulary,
        prime: str,
        length: int,
        streams: int,
        temperature: float,
        seed: int,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        """`streams` independent texts of `length` characters after `prime` (prime included).

        `progress(step)` is called after every character (e.g. a Keras
        `Progbar.update`). Raises `ValueError` for a non-positive temperature.
        """
        if temperature <= 0:
            raise ValueError(f"temperature must be positive, got {temperature}")
        if not prime:
            raise ValueError("prime must contain at least one character to start from")
        primed = np.tile(vocab.encode(prime), (streams, 1))
        h = tf.zeros((streams, self.units))
        c = tf.zeros((streams, self.units))
        t = tf.constant(float(temperature))
        generated = []
        chars = tf.constant(primed[:, 0])
        for step in range(len(prime) - 1 + length):
            nxt, h, c = self._sample_step(chars, h, c, t, tf.constant([seed, step], dtype=tf.int64))
            if step + 1 < len(prime):
                chars = tf.constant(primed[:, step + 1])
            else:
                chars = nxt
                generated.append(nxt.numpy())
                if progress is not None:
                    progress(len(generated))
        ids = np.stack(generated, axis=1)
        return [prime + vocab.decode(row) for row in ids]


def text_loss(model: keras.Model, ids: np.ndarray) -> float:
    """Mean cross-entropy in nats per character of predicting each character of `ids` from all before it.

    The whole text is read as one sequence, so every character has its full
    context (its tune so far), unlike training windows that start cold.
    """
    if len(ids) < 2:
        raise ValueError("the text must hold at least two characters: one to read and one to predict")
    logits = model(np.asarray(ids[None, :-1], dtype=np.int32), training=False)
    losses = keras.losses.sparse_categorical_crossentropy(ids[None, 1:], logits, from_logits=True)
    return float(np.mean(losses))
