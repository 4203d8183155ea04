"""The search form: GET, so a search is a link that can be shared and bookmarked."""

from django import forms

from probity.apps.codes import selectors


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the codes of conduct",
        required=False,
        max_length=selectors.QUERY_MAX_LENGTH,
        strip=True,
        error_messages={
            "max_length": (
                f"Search words must be {selectors.QUERY_MAX_LENGTH} characters or fewer"
            ),
        },
    )
    code = forms.ChoiceField(
        label="Search in",
        required=False,
        error_messages={"invalid_choice": "Choose a code from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "All codes")] + [
            # Each code is best known by who issued it; its full title is too long for a menu.
            (summary.code.id, summary.code.issuer)
            for summary in selectors.code_list()
        ]
