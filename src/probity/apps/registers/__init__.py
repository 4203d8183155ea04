"""Registers and declarations: gifts and hospitality, interests, outside employment and every
other thing the codes oblige a person to declare, routed to the authority the guidance outcome
names and decided through an explicit workflow (models.Declaration.status)."""
