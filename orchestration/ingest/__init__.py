"""Extract source tables through SQLAlchemy into the warehouse `raw` schema."""
