"""The comment models move to the comments app: removed from the articles app's state only.

Their tables stay as they are (the comments app's models name them with ``db_table``);
comments/migrations/0001 adds the models to its own state and moves their content types.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_comments_close_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="CommentReport"),
                migrations.DeleteModel(name="Comment"),
                migrations.DeleteModel(name="ModerationWord"),
            ],
        ),
    ]
