"""The comments app takes over the comment models from the articles app, keeping every row.

The tables (articles_comment, articles_commentreport, articles_moderationword) are not
touched: the models enter this app's state only, naming their tables with ``db_table``
(articles/migrations/0006 removed them from the articles app's state). Their content
types are relabelled rather than recreated, so the permissions every group and user
holds on them, and the admin's log entries, carry over.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("comment", "commentreport", "moderationword")


def relabel_content_types(apps, from_label, to_label):
    content_type_model = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        moving = content_type_model.objects.filter(app_label=from_label, model=model).first()
        if moving is None:
            continue
        stray = content_type_model.objects.filter(app_label=to_label, model=model).first()
        if stray is not None:
            # Made for the new label before this ran (by post_migrate): the moving row carries the
            # history, so it is kept, with whatever was granted on the stray one's permissions.
            for permission in stray.permission_set.all():
                kept = moving.permission_set.filter(codename=permission.codename).first()
                if kept is not None:
                    kept.group_set.add(*permission.group_set.all())
                    kept.user_set.add(*permission.user_set.all())
            stray.delete()
        moving.app_label = to_label
        moving.save(update_fields=["app_label"])


def to_comments(apps, schema_editor):
    relabel_content_types(apps, "articles", "comments")


def back_to_articles(apps, schema_editor):
    relabel_content_types(apps, "comments", "articles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0006_comments_move_to_their_app"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Comment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('display_name', models.CharField(max_length=80)),
                        ('email', models.EmailField(blank=True, help_text='Private: never shown or exported.', max_length=254)),
                        ('reader_role', models.CharField(blank=True, choices=[('parent', 'Parent or carer'), ('young_person', 'Young person'), ('education', 'Education professional'), ('health_care', 'Health or care professional'), ('council', 'Council officer'), ('other', 'Other')], max_length=16)),
                        ('body', models.TextField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam')], default='pending', max_length=16)),
                        ('held_reason', models.CharField(blank=True, help_text='Why the comment was held.', max_length=200)),
                        ('moderated_at', models.DateTimeField(blank=True, null=True)),
                        ('moderation_reason', models.CharField(blank=True, max_length=300)),
                        ('ip_hash', models.CharField(blank=True, help_text='Salted hash, never the IP.', max_length=64, verbose_name='IP hash')),
                        ('user_agent', models.CharField(blank=True, max_length=200)),
                        ('fingerprint', models.CharField(blank=True, editable=False, help_text='Digest of the normalised text, to spot duplicates.', max_length=64)),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='articles.article')),
                        ('author', models.ForeignKey(blank=True, help_text='Set when a member of staff replies.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='comments', to=settings.AUTH_USER_MODEL)),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='comments.comment')),
                    ],
                    options={
                        'db_table': 'articles_comment',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CommentReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('abuse', 'Abusive or offensive'), ('privacy', 'Identifies a child or shares private information'), ('spam', 'Spam or advertising'), ('misinformation', 'Misleading or false'), ('other', 'Something else')], max_length=16)),
                        ('detail', models.TextField(blank=True, max_length=1000)),
                        ('reporter_hash', models.CharField(help_text='Salted hash identifying the reader who reported.', max_length=64)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='comments.comment')),
                    ],
                    options={
                        'db_table': 'articles_commentreport',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ModerationWord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('word', models.CharField(help_text='A word or phrase, matched case-insensitively.', max_length=100)),
                        ('action', models.CharField(choices=[('banned', 'Banned: refuse the comment'), ('suspect', 'Suspect: hold the comment for a moderator')], max_length=8)),
                    ],
                    options={
                        'db_table': 'articles_moderationword',
                        'ordering': ['action', 'word'],
                        'constraints': [models.UniqueConstraint(fields=('word',), name='moderationword_unique')],
                    },
                ),
                migrations.AddIndex(
                    model_name='comment',
                    index=models.Index(fields=['article', 'status', 'created_at'], name='comment_article_idx'),
                ),
                migrations.AddIndex(
                    model_name='comment',
                    index=models.Index(fields=['status', 'created_at'], name='comment_queue_idx'),
                ),
                migrations.AddIndex(
                    model_name='comment',
                    index=models.Index(fields=['fingerprint', 'created_at'], name='comment_fingerprint_idx'),
                ),
                migrations.AddConstraint(
                    model_name='commentreport',
                    constraint=models.UniqueConstraint(fields=('comment', 'reporter_hash'), name='report_one_per_reader'),
                ),
            ],
        ),
        migrations.RunPython(to_comments, back_to_articles),
    ]
