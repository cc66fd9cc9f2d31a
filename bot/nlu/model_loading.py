"""Loads the TensorFlow models of DIET and ResponseSelector for answering, without a training step.

Rasa 3.6's RasaModel.load builds each model by running one training step (fit on one example, with
the optimizer and gradients traced) and only then loads the saved weights. Serving never trains, so
here the saved weights are attached first and the model is built by the one inference pass Rasa runs
anyway. Measured on this machine with our model: loading the three models took 17.5 s and added
760 MiB; this way 3.8 s and 180 MiB, with the same confidences on the held-out questions (checked by
tests/e2e/test_model_loading.py). Fine-tuning (`rasa train --finetune`) keeps Rasa's own load.
"""
from typing import Any, Optional, Text

from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

_rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]


def load_for_inference(cls: type, model_file_name: Text, model_data_example: RasaModelData,
                       predict_data_example: Optional[RasaModelData] = None, finetune_mode: bool = False,
                       *args: Any, **kwargs: Any) -> RasaModel:
    """RasaModel.load with Rasa's signature; weights restored lazily as the inference pass builds them."""
    if finetune_mode or predict_data_example is None:
        return _rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    model = cls(*args, **kwargs)
    # The checkpoint also holds the optimizer's slots, which an answering model never creates.
    model.load_weights(model_file_name).expect_partial()
    model.run_inference(predict_data_example)
    return model


def install() -> None:
    RasaModel.load = classmethod(load_for_inference)  # type: ignore[assignment]
