"""Lesson 06 benchmark: train the lesson's character-level LSTM headless and judge the tunes it writes.

Reads the full-mode sizes from notebooks/06_music_generation.ipynb (so it
trains exactly the lesson's model), trains on the training tunes, and prints
the held-out loss (nats/char, every character read with its full context), the
fraction of sampled tunes that are valid ABC (parser, and abc2midi when
installed) and the training wall time. The lesson's bars: <= 1.0 nats/char,
>= 90% valid, < 15 minutes on a 2-core CPU.
Run: `COURSE_DATA_DIR=../shared/datasets .venv/bin/python benchmarks/music_generation.py [--smoke]`.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from utils.runtime import DEFAULT_SEED, benchmark_sizes, import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

from utils import charlm, data, music, results  # noqa: E402


def main() -> None:
    mode, sizes = benchmark_sizes(ROOT / "notebooks" / "06_music_generation.ipynb", sys.argv[1:])
    seed = DEFAULT_SEED
    tunes = data.load_irish_folk_tunes().tunes[: sizes["corpus_tunes"]]
    train_tunes, held_out_tunes = charlm.split_by_tune(tunes, sizes["held_out_fraction"], seed=seed)
    vocab = charlm.Vocabulary.from_texts(tunes)
    train_ids = vocab.encode(charlm.join_tunes(train_tunes))
    held_out_ids = vocab.encode(charlm.join_tunes(held_out_tunes))
    train_windows = charlm.windows(train_ids, sizes["window"], sizes["batch_size"], sizes["stride"], shuffle_seed=seed)
    model = charlm.build_model(
        len(vocab),
        sizes["embedding_dim"],
        sizes["units"],
        sizes["dropout"],
        sizes["input_dropout"],
        sizes["recurrent_dropout"],
    )
    steps = sum(1 for _ in train_windows)
    charlm.compile_model(model, sizes["learning_rate"], total_steps=steps * sizes["epochs"])
    started = time.perf_counter()
    model.fit(train_windows, epochs=sizes["epochs"], verbose=2, shuffle=False)
    train_seconds = time.perf_counter() - started
    held_out_loss = charlm.text_loss(model, held_out_ids)
    use_abc2midi = shutil.which("abc2midi") is not None
    texts = charlm.Sampler(model).generate(
        vocab, "X:1\n", sizes["max_tune_chars"], sizes["tunes_to_sample"], sizes["temperature"], seed=seed + 1
    )
    valid = sum(music.judge_generated(text, use_abc2midi=use_abc2midi).valid for text in texts)
    print(f"machine: {results.machine()}; mode {mode}")
    print(
        f"training: {len(train_tunes)} tunes, {len(train_ids):,} characters, {sizes['epochs']} epochs "
        f"in {train_seconds:.0f} s ({train_seconds / 60:.1f} min)"
    )
    print(f"held-out loss (last epoch's weights): {held_out_loss:.3f} nats/char on {len(held_out_tunes)} tunes")
    print(
        f"valid tunes at T={sizes['temperature']}: {valid}/{len(texts)} = {valid / len(texts):.0%} "
        f"(parser{' + abc2midi' if use_abc2midi else ''})"
    )


if __name__ == "__main__":
    main()
