"""Where data lives: the raw and processed zones, partitions, atomic writes."""
