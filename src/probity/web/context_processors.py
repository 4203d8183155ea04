"""Template context shared by every page."""

NAVIGATION = (
    ("/ask", "Can I…?"),
    ("/codes", "Codes of conduct"),
    ("/search", "Search"),
    ("/concerns", "Raise a concern"),
    ("/offer", "Employee offer"),
)
# Pages that belong to a navigation item without sharing its path
ALSO_ACTIVE = {"/offer": ("/flexible-working",)}


def navigation(request):
    items = [
        {
            "href": href,
            "label": label,
            "active": request.path.startswith((href, *ALSO_ACTIVE.get(href, ()))),
        }
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
    return {"navigation_items": items}
