"""Exception hierarchy: one root, stdlib mix-ins so callers can catch either (as geopy does)."""


class EventAtlasError(Exception):
    """Root of every error Event Atlas raises on purpose."""


class ConfigurationError(EventAtlasError, ValueError):
    """A setting or constructor argument is invalid; raised at construction time."""


class ArticleError(EventAtlasError, ValueError):
    """An article (or a file of articles) cannot be read; the message names the file and reason."""


class GazetteerError(EventAtlasError, RuntimeError):
    """The offline gazetteer index is missing or cannot be built."""


class BorderError(EventAtlasError, ValueError):
    """Unknown country code, or two countries that share no land border."""


class StoreError(EventAtlasError, RuntimeError):
    """The event store cannot be opened or written."""
