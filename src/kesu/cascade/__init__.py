"""上下联动: a plan's parent (a plan of a region above, or the national 纲要) and the links of its tasks
to the parent's tasks or national headings, proposed by kesu.plans.alignment and confirmed by the office."""
