"""The Streamlit review app. Pages (in `pages/`) are thin: they call the plain modules
next to them and the packages below (case, video, recognize, graph, publish)."""
