"""The Streamlit page as components: one module per region of the page (see app.py).

Each module owns its widgets' keys (constants in `keys`), labels, URL handling and behaviour;
the work happens in the `geo` library. Only app.py and this package import streamlit.
"""
