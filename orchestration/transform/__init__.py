"""dbt: the project, the translator, and the assets that run it for a quarter window."""
