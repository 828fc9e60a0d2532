"""Quality of what is published: great-expectations checkpoint and Data Docs, dbt docs,
and the personal-data scan."""
