from django.db import models


class DataVersion(models.Model):
    """The current version token of a whole kind of data (regions, indicators, surveys).

    Plans carry their own token (``Plan.data_version``) so that a plan page reads it with the plan.
    """

    scope = models.CharField(max_length=64, primary_key=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = verbose_name_plural = "数据版本"

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"
