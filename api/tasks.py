from django.tasks import task

from api import open_data


@task()
def regenerate_open_data() -> list[str]:
    return open_data.regenerate()
