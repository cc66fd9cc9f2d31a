import os
import sys

# spaCy's thinc imports TensorFlow when it is installed; its start-up chatter is not for staff.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bot.cli import main  # noqa: E402  (after the environment is set)

sys.exit(main())
