"""Rasa's LanguageModelFeaturizer path on a tiny BERT-layout model built here.

No weights are downloaded: the test writes a randomly initialised 1-layer BERT
with a Chinese character vocabulary to a temporary folder and loads it the way
config.yml would (`model_name: bert`, `model_weights: <folder>`). Real
pretrained Chinese weights (e.g. bert-base-chinese) are a deployment option:
put them in a local folder and point `model_weights` at it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.training_data.message import Message

transformers = pytest.importorskip("transformers")

TEXT = "我要投诉金水区花园路街道的工地夜间施工噪音太大了"


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-bert")
    chars = sorted(set(TEXT + "你好谢谢再见电话号码"))
    # the layout of bert-base vocabularies: Rasa adds [CLS] = 101 and [SEP] = 102 itself
    vocab = (
        ["[PAD]"]
        + [f"[unused{i}]" for i in range(1, 100)]
        + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        + chars
    )
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=512,  # Rasa pads to 512
    )
    model = transformers.TFBertModel(config)
    model(model.dummy_inputs)  # build the weights before saving them
    model.save_pretrained(str(folder))
    transformers.BertTokenizer(str(folder / "vocab.txt")).save_pretrained(str(folder))
    return folder


def test_language_model_featurizer_loads_a_local_bert_and_featurizes(
    tmp_path: Path, tiny_bert: Path
) -> None:
    from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import LanguageModelFeaturizer

    context = ExecutionContext(GraphSchema({}), "lm")
    tokenizer = JiebaTokenizer.create(
        {**JiebaTokenizer.get_default_config(), "dictionary_path": None},
        LocalModelStorage(tmp_path),
        Resource("jieba"),
        context,
    )
    featurizer = LanguageModelFeaturizer.create(
        {
            **LanguageModelFeaturizer.get_default_config(),
            "model_name": "bert",
            "model_weights": str(tiny_bert),
        },
        LocalModelStorage(tmp_path),
        Resource("lm"),
        context,
    )
    message = Message(data={"text": TEXT})
    tokenizer.process([message])
    featurizer.process([message])
    sequence, sentence = message.get_dense_features("text")
    assert sequence is not None and sentence is not None
    assert sequence.features.shape == (len(message.get("text_tokens")), 32)
    assert sentence.features.shape == (1, 32)
