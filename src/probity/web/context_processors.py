"""Template context shared by every page."""

NAVIGATION = (
    ("/ask", "Can I…?"),
    ("/codes", "Codes of conduct"),
    ("/search", "Search"),
)


def navigation(request):
    items = [
        {"href": href, "label": label, "active": request.path.startswith(href)}
        for href, label in NAVIGATION
    ]
    return {"navigation_items": items}
