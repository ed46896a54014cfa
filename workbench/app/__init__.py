"""The Streamlit review app. Its pages live in `views/` (a `pages/` folder next to
main.py would make Streamlit list them a second time) and are thin: they call the plain
modules next to them and the packages below (case, video, recognize, graph, publish)."""
