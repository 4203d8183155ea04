"""Annual declaration campaigns: a register keeper opens one (name, deadline, scope: the whole
organisation or some teams); everyone in scope confirms their declared interests or makes a
nil return; people who have not answered are reminded; completion is counted per team.

Writes (`campaign_open`, `campaign_return_make`, `campaign_close`, `campaigns_remind`) follow
services.py's shape: check permission, change in a transaction, audit, notify. Reads
(`campaigns_for_person`, `campaign_people`, `campaign_completion`) are plain queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from probity.apps.audit.services import audit_record
from probity.apps.people.models import OfficeHolder, Organisation, Person, Team
from probity.apps.people.selectors import user_of
from probity.apps.registers.models import (
    Campaign,
    CampaignReminder,
    CampaignReturn,
    Declaration,
    Status,
)
from probity.apps.registers.notifications import notify
from probity.apps.registers.services import DeclarationPermissionError, DeclarationStateError

NOTHING_CONFIRMED = "Select the declarations that are still current, or make a nil return"
CONFIRMABLE_STATUSES = (
    Status.SUBMITTED,
    Status.MORE_INFORMATION_REQUESTED,
    Status.APPROVED,
    Status.APPROVED_WITH_CONDITIONS,
    Status.RECORDED,
)


def is_campaign_keeper(person: Person | None, organisation: Organisation) -> bool:
    """A register keeper of the organisation (of any register) may open and follow campaigns."""
    if person is None or not person.active or person.organisation_id != organisation.pk:
        return False
    return OfficeHolder.objects.filter(
        organisation=organisation, office="register-keeper", person=person
    ).exists()


# --- writes ------------------------------------------------------------------------------------


def campaign_open(
    *,
    organisation: Organisation,
    actor: Any,
    name: str,
    deadline: datetime.date,
    teams: list[Team] | None = None,
    today: datetime.date | None = None,
) -> Campaign:
    """A register keeper opens a campaign for the whole organisation, or for `teams`."""
    today = today or timezone.localdate()
    person = _person_of(actor)
    if not is_campaign_keeper(person, organisation):
        raise DeclarationPermissionError("Only a register keeper may open a declaration campaign.")
    errors = {}
    if not name.strip():
        errors["name"] = "Enter a name for the campaign"
    if deadline < today:
        errors["deadline"] = "The deadline must be today or in the future"
    teams = list(teams or [])
    if any(team.organisation_id != organisation.pk for team in teams):
        errors["teams"] = "Choose teams of your own organisation"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organisation=organisation, name=name.strip(), deadline=deadline, opened_by=person
        )
        campaign.teams.set(teams)
        audit_record(
            actor=user_of(actor),
            action="campaign.opened",
            obj=campaign,
            details={"deadline": deadline.isoformat(), "teams": [team.pk for team in teams]},
        )
    return campaign


def campaign_close(*, campaign: Campaign, actor: Any) -> Campaign:
    if not is_campaign_keeper(_person_of(actor), campaign.organisation):
        raise DeclarationPermissionError("Only a register keeper may close a campaign.")
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.closed_at is None:
            locked.closed_at = timezone.now()
            locked.save(update_fields=["closed_at"])
            audit_record(actor=user_of(actor), action="campaign.closed", obj=locked)
    campaign.refresh_from_db()
    return campaign


def campaign_return_make(
    *,
    campaign: Campaign,
    person: Person,
    actor: Any,
    nil_return: bool,
    confirmed: list[int] | None = None,
    note: str = "",
) -> CampaignReturn:
    """The person confirms their interests (the declarations `confirmed` are current) or makes
    a nil return. Once only: a second return for the same campaign is refused."""
    actor_person = _person_of(actor)
    if actor_person is None or actor_person.pk != person.pk:
        raise DeclarationPermissionError("Only the person themselves may make their return.")
    if not campaign.is_open:
        raise DeclarationStateError(f"The campaign {campaign.name!r} is closed.")
    if not campaign_people(campaign).filter(pk=person.pk).exists():
        raise DeclarationPermissionError(f"{person.name} is not in the campaign {campaign.name!r}.")
    confirmed = sorted(set(confirmed or []))
    if nil_return:
        confirmed = []
    else:
        own = set(
            Declaration.objects.filter(
                person=person, pk__in=confirmed, status__in=CONFIRMABLE_STATUSES
            ).values_list("pk", flat=True)
        )
        if set(confirmed) - own:
            raise ValidationError({"confirmed": "Confirm only your own current declarations"})
        if not confirmed:
            raise ValidationError({"confirmed": NOTHING_CONFIRMED})
    try:
        with transaction.atomic():
            entry = CampaignReturn.objects.create(
                campaign=campaign,
                person=person,
                team=person.team,
                nil_return=nil_return,
                confirmed=confirmed,
                note=note.strip(),
            )
            audit_record(
                actor=user_of(actor),
                action="campaign.returned",
                obj=campaign,
                details={"person": person.pk, "nil_return": nil_return, "confirmed": confirmed},
            )
    except IntegrityError:
        raise DeclarationStateError(
            "You have already made your return for this campaign."
        ) from None
    return entry


def campaigns_remind(*, days: int = 7, today: datetime.date | None = None) -> dict[int, list[int]]:
    """Email everyone in scope of an open campaign who has not made their return yet, at
    most once every `days` days. Returns {campaign id: [person ids reminded]}."""
    today = today or timezone.localdate()
    reminded: dict[int, list[int]] = {}
    for campaign in Campaign.objects.filter(closed_at__isnull=True).select_related("organisation"):
        already = CampaignReminder.objects.filter(
            campaign=campaign,
            person=OuterRef("pk"),
            sent_on__gt=today - datetime.timedelta(days=days),
        )
        waiting = (
            campaign_people(campaign)
            .exclude(campaign_returns__campaign=campaign)
            .exclude(Exists(already))
        )
        for person in waiting:
            try:
                with transaction.atomic():
                    CampaignReminder.objects.create(campaign=campaign, person=person, sent_on=today)
            except IntegrityError:
                continue
            notify(
                template="campaign_reminder",
                recipients=[person],
                context={
                    "campaign": campaign,
                    "person": person,
                    "overdue": campaign.deadline < today,
                    "link": "/declarations",
                },
            )
            reminded.setdefault(campaign.pk, []).append(person.pk)
    return reminded


# --- reads -------------------------------------------------------------------------------------


def campaign_people(campaign: Campaign) -> QuerySet:
    """Everyone active in the campaign's scope."""
    people = Person.objects.filter(organisation_id=campaign.organisation_id, active=True)
    team_ids = [team.pk for team in campaign.teams.all()]
    if team_ids:
        people = people.filter(team_id__in=team_ids)
    return people


def campaigns_for_person(person: Person) -> list[dict]:
    """Open campaigns the person is in, each with their return (or None): the tasks of
    "My declarations"."""
    campaigns = (
        Campaign.objects.filter(organisation_id=person.organisation_id, closed_at__isnull=True)
        .filter(Q(teams__isnull=True) | Q(teams=person.team_id))
        .distinct()
        .order_by("deadline", "id")
    )
    returns = {
        entry.campaign_id: entry
        for entry in CampaignReturn.objects.filter(person=person, campaign__in=campaigns)
    }
    return [{"campaign": c, "return": returns.get(c.pk)} for c in campaigns]


def campaign_for_person(person: Person, pk: int) -> Campaign | None:
    for task in campaigns_for_person(person):
        if task["campaign"].pk == pk:
            return task["campaign"]
    return None


def campaigns_of(organisation: Organisation) -> QuerySet:
    return Campaign.objects.filter(organisation=organisation).prefetch_related("teams")


@dataclass(frozen=True)
class TeamFigures:
    team: str
    in_scope: int
    returned: int
    nil_returns: int

    @property
    def outstanding(self) -> int:
        return self.in_scope - self.returned

    @property
    def percent(self) -> int:
        return round(100 * self.returned / self.in_scope) if self.in_scope else 100


def campaign_completion(campaign: Campaign) -> dict:
    """Figures per team (people in scope, returns made, nil returns) and for the whole: two
    grouped queries, whatever the number of people."""
    people = campaign_people(campaign)
    in_scope = {
        row["team__name"]: row["count"]
        for row in people.values("team__name").annotate(count=Count("pk")).order_by()
    }
    made = {
        row["person__team__name"]: row
        for row in CampaignReturn.objects.filter(campaign=campaign, person__in=people)
        .values("person__team__name")
        .annotate(count=Count("pk"), nil=Count("pk", filter=Q(nil_return=True)))
        .order_by()
    }
    teams = [
        TeamFigures(
            team=name or "No team",
            in_scope=count,
            returned=made.get(name, {}).get("count", 0),
            nil_returns=made.get(name, {}).get("nil", 0),
        )
        for name, count in sorted(
            in_scope.items(), key=lambda item: (item[0] is None, item[0] or "")
        )
    ]
    total = TeamFigures(
        team="All teams",
        in_scope=sum(t.in_scope for t in teams),
        returned=sum(t.returned for t in teams),
        nil_returns=sum(t.nil_returns for t in teams),
    )
    return {"teams": teams, "total": total}


def _person_of(actor: Any) -> Person | None:
    if actor is None:
        return None
    if isinstance(actor, Person):
        return actor
    if not getattr(actor, "is_authenticated", False):
        return None
    return Person.objects.select_related("organisation").filter(user=actor).first()
