"""alerts may import any domain app; councils, articles and comments never import alerts."""

from tests.comments.test_layering import imported, modules


def test_no_domain_app_imports_alerts():
    offending = [
        f"{relative}: {name}"
        for package in ("councils", "articles", "comments", "api")
        for relative, tree in modules(package)
        for name, _ in imported(relative, tree)
        if name == "alerts" or name.startswith("alerts.")
    ]
    assert offending == []


def test_the_alerts_app_imports_nothing_inside_functions():
    """Except AppConfig.ready() connecting the receivers, Django's own idiom (as articles and councils do)."""
    hidden = [
        f"{relative}: {name}"
        for relative, tree in modules("alerts", skip=("alerts/migrations",))
        for name, inside in imported(relative, tree)
        if inside and str(relative) != "alerts/apps.py"
    ]
    assert hidden == []
