"""The "Can I…?" guided interview: who you are, what it is about, only the questions the
guidance engine still needs, check your answers, and an outcome with a shareable address."""
