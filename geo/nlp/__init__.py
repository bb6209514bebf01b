"""Everything that reads text with spaCy: dates, toponyms (recognition and resolution), event
rules and grouping of one occurrence across articles."""
from .dates import find_dates
from .extraction import EXTRACTOR_VERSION, EventExtractor
from .grouping import group_frame, group_ids
from .recognize import ToponymRecognizer
from .resolution import Resolver
from .spacy_model import load_nlp
from .toponym import Toponym

__all__ = ["find_dates", "EXTRACTOR_VERSION", "EventExtractor", "group_frame", "group_ids",
           "Resolver", "load_nlp", "Toponym", "ToponymRecognizer"]
