"""dataset: the data model — table schemas, grading schemes (schemes/*.toml) and loading a data
folder into a validated Dataset. Uses core only."""
