"""Shared figures draw the expected axes and titles (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import plots


def test_image_grid_titles_every_image_and_hides_spare_axes():
    images = np.zeros((5, 28, 28), dtype=np.uint8)
    figure = plots.image_grid(images, [f"img {i}" for i in range(5)], ncols=3, suptitle="grid")
    titled = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert len(figure.axes) == 6 and titled == [f"img {i}" for i in range(5)]
    assert figure._suptitle.get_text() == "grid"
    plt.close(figure)


def test_image_grid_titles_of_a_second_row_stay_clear_of_the_first():
    figure = plots.filter_grid(np.ones((3, 3, 3, 32)), title="filters", ncols=16)
    figure.canvas.draw()  # places the axes (square images) and their titles
    renderer = figure.canvas.get_renderer()
    above, below = figure.axes[0], figure.axes[16]
    title_top = below.title.get_window_extent(renderer).y1
    image_bottom = above.get_window_extent(renderer).y0
    assert title_top <= image_bottom, (title_top, image_bottom)
    plt.close(figure)


def test_image_grid_rejects_mismatched_titles_and_bad_shapes():
    with pytest.raises(ValueError, match="got 2 images but 1 titles"):
        plots.image_grid(np.zeros((2, 8, 8)), ["one"])
    with pytest.raises(ValueError, match=r"must be \(N, H, W\) or \(N, H, W, C\), got shape \(8, 8\)"):
        plots.image_grid(np.zeros((8, 8)), [])


def test_samples_per_class_picks_each_class_in_order():
    y = np.array([0, 1, 2] * 4)
    x = np.arange(12)
    picked, names = plots.samples_per_class(x, y, ["a", "b", "c"], per_class=2)
    assert names == ["a", "a", "b", "b", "c", "c"]
    assert [int(y[i]) for i in picked] == [0, 0, 1, 1, 2, 2]


def test_matrices_draws_one_titled_heat_map_per_array_with_every_number():
    figure = plots.matrices([np.eye(2), np.arange(6).reshape(2, 3)], ["identity", "counts"], suptitle="m")
    assert [ax.get_title() for ax in figure.axes] == ["identity", "counts"]
    assert [len(ax.texts) for ax in figure.axes] == [4, 6]
    plt.close(figure)
    with pytest.raises(ValueError, match="got 1 arrays but 2 titles"):
        plots.matrices([np.eye(2)], ["a", "b"])


def test_window_steps_draws_a_panel_per_output_with_its_window():
    figure = plots.window_steps(np.zeros((5, 5)), 3, np.arange(9).reshape(3, 3))
    assert len(figure.axes) == 9 and figure.axes[4].get_title() == "out[1, 1] = 4"
    assert all(len(ax.patches) == 1 for ax in figure.axes)
    plt.close(figure)


def test_learning_curves_draw_train_and_validation_per_metric():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8], "val_accuracy": [0.4, 0.7]}
    figure = plots.learning_curves({"cnn": history, "dense": history})
    assert [ax.get_ylabel() for ax in figure.axes] == ["loss", "accuracy"]
    assert [len(ax.lines) for ax in figure.axes] == [4, 4]
    figure.canvas.draw()
    ticks = figure.axes[0].get_xticks()
    assert np.all(ticks == np.round(ticks)), ticks  # whole epochs only
    plt.close(figure)
    with pytest.raises(ValueError, match="run 'cnn' has no 'accuracy'"):
        plots.learning_curves({"cnn": {"loss": [1.0]}})


def test_learning_curves_mark_a_one_epoch_run_so_it_shows():
    figure = plots.learning_curves({"long": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]},
                                    "one epoch": {"loss": [1.8], "val_loss": [1.7]}}, metrics=("loss",))
    markers = [line.get_marker() for line in figure.axes[0].lines]
    assert markers == ["None", "None", "o", "o"], markers
    plt.close(figure)


def test_confusion_matrix_counts_every_pair():
    figure = plots.confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]), ["a", "b", "c"])
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.texts] == ["1", "1", "0", "0", "1", "0", "0", "0", "1"]
    assert ax.get_title() == "Confusion matrix (4 images)"
    plt.close(figure)


def test_filter_and_feature_map_grids_show_one_titled_axis_each():
    figure = plots.filter_grid(np.random.default_rng(0).normal(size=(3, 3, 3, 6)), title="filters", ncols=3)
    assert [ax.get_title() for ax in figure.axes if ax.get_title()] == [f"filter {i}" for i in range(6)]
    plt.close(figure)
    figure = plots.feature_map_grid(np.zeros((7, 7, 20)), count=16)
    assert len([ax for ax in figure.axes if ax.get_title()]) == 16
    plt.close(figure)
    with pytest.raises(ValueError, match=r"kernel must be \(KH, KW, 1 or 3, C_out\)"):
        plots.filter_grid(np.zeros((3, 3, 8, 4)))
    with pytest.raises(ValueError, match=r"maps must be one image's feature maps"):
        plots.feature_map_grid(np.zeros((1, 7, 7, 4)))


def test_unrolled_rnn_labels_every_step_with_the_equation_symbols():
    figure = plots.unrolled_rnn()
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts.count("$W_{xh}$") == texts.count("$W_{hy}$") == 4  # the folded cell and three unrolled steps
    assert {"$x_{t-1}$", "$x_{t}$", "$x_{t+1}$", "$h_{t-1}$", "$h_{t}$", r"$\hat y_{t}$", "$W_{hh}$"} <= set(texts)
    assert "W_{hh} h_{t-1}" in figure.axes[0].get_title()
    plt.close(figure)


def test_lstm_cell_names_every_gate_and_state_as_the_equations_do():
    figure = plots.lstm_cell()
    texts = {t.get_text() for t in figure.axes[0].texts}
    assert {"$f_t$", "$i_t$", r"$\tilde C_t$", "$o_t$", "$C_{t-1}$", "$C_t$", "$h_{t-1}$", "$h_t$", "$x_t$"} <= texts
    gates = [text for text in texts if "\n" in text]
    assert sorted(gates) == sorted([r"$\sigma$" + "\n$W_f, b_f$", r"$\sigma$" + "\n$W_i, b_i$",
                                    "tanh\n$W_C, b_C$", r"$\sigma$" + "\n$W_o, b_o$"])  # fmt: skip
    plt.close(figure)


def test_scene_drawings_label_masks_and_boxes():
    figure, (left, right) = plt.subplots(1, 2)
    plots.draw_mask(right, np.array([[0, 1], [2, 10]]), title="mask")
    plots.draw_boxes(left, np.zeros((8, 8)), [(1, 1, 4, 5), (5, 2, 7, 7)], ["bag", "shirt"], title="boxes")
    assert len(left.patches) == 2 and [t.get_text() for t in left.texts] == ["bag", "shirt"]
    assert right.get_title() == "mask" and plots.mask_colours(11)[0].tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError):
        plots.draw_boxes(left, np.zeros((8, 8)), [(1, 1, 4, 5)], ["bag", "shirt"])
    plt.close(figure)
