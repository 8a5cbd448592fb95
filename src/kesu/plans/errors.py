class PlanParseError(Exception):
    """A plan file that cannot be read or is not a plan. The message names the file and the problem."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")
