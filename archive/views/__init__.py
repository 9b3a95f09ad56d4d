"""The reading room: public views, one module per kind of page."""
