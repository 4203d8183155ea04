"""Template context shared by every page."""

NAVIGATION = (
    ("/ask", "Can I…?"),
    ("/codes", "Codes of conduct"),
    ("/search", "Search"),
    ("/concerns", "Raise a concern"),
    ("/offer", "Employee offer"),
)
# Where a navigation item is current, when more than its own path (flexible working is offer)
PATHS = {"/offer": ("/offer", "/flexible-working")}


def navigation(request):
    items = [
        {"href": href, "label": label, "active": request.path.startswith(PATHS.get(href, href))}
        for href, label in NAVIGATION
    ]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items.append(
            {
                "href": "/declarations",
                "label": "Declarations",
                "active": request.path.startswith(("/declarations", "/registers")),
            }
        )
        items.append(
            {
                "href": "/rostering",
                "label": "Rostering",
                "active": request.path.startswith("/rostering"),
            }
        )
    return {"navigation_items": items}
