"""A pass-through pipeline step whose only job is to set up the process that serves the model.

Rasa loads the pipeline's components in order when a model is loaded, and offers no other hook, so
this step, placed before DIETClassifier in config.yml, installs replacements for Rasa internals before
anything else needs them: the quick model loading of bot/nlu/model_loading.py, the once-built
action reply check of bot/nlu/action_schema.py, the event class table of bot/nlu/event_types.py
and the session length limit of bot/nlu/session_length.py. Training and messages pass through it
unchanged. Review those four modules before upgrading Rasa.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import action_schema, event_types, model_loading, session_length


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ServingSetup(GraphComponent):
    """Installs the serving replacements when a trained model is loaded; adds no features."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ServingSetup":
        return cls()

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "ServingSetup":
        model_loading.install()
        action_schema.install()
        event_types.install()
        session_length.install()
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
