"""Plays an MSEL written by `ttx msel export --to t3sf` through T3SF's own code.

T3SF (Base4Security's Technical Tabletop Exercises Simulation Framework, `pip install
"t3sf[discord]==2.5.1"`) reads the file with `T3SF.IncidentsFetcher` and plays it with
`T3SF.ProcessIncidents`, exactly as it runs an exercise, with two things stubbed: the Discord
bot (its channels record what T3SF sends instead of posting it) and the clock (each wait T3SF
makes is recorded instead of slept). Nothing of T3SF itself is changed.

Usage: python scripts/t3sf_loader_check.py MSEL.json

Prints, as JSON on stdout, what T3SF did: the players it found, each message it sent (player,
subject, the `Date` line it showed, a poll's options and the minutes it gave to answer), and the
seconds it waited between rows. Exits 1, with T3SF's error, when T3SF cannot play the file.
tests/msel_t3sf.rs runs it and compares what T3SF did with the scenario.
"""

import asyncio
import json
import os
import re
import sys
import tempfile

waits = []
sent = []


async def recorded_sleep(seconds, *args, **kwargs):
    waits.append(seconds)


class Message:
    """What a channel's `send` returns: T3SF edits a poll's message when its time is up."""

    def __init__(self, record):
        self.record = record

    async def edit(self, embed=None, view=None):
        self.record["closed"] = True


class Channel:
    def __init__(self, player):
        self.player = player

    async def send(self, embed=None, view=None):
        description = embed.description or ""
        record = {
            "player": self.player,
            "subject": embed.title,
            "date": description.split("\n", 1)[0] if description.startswith("Date: ") else None,
            "poll": [item.label for item in view.children] if view is not None else [],
            "closed": False,
        }
        minutes = re.search(r"You have (\d+) minute\(s\) to answer this poll!", description)
        record["poll_minutes"] = int(minutes.group(1)) if minutes else None
        sent.append(record)
        return Message(record)


class Bot:
    def __init__(self, players):
        self.channels = {number: Channel(player) for number, player in enumerate(players)}

    def get_channel(self, number):
        return self.channels[number]


class Context:
    """The game masters' channel: T3SF's notifications to it are only logged in 2.5.1."""

    async def send(self, embed=None, view=None):
        return Message({})


def main():
    msel = os.path.abspath(sys.argv[1])
    with open(msel, encoding="utf-8-sig") as f:
        rows = json.load(f)
    players = list(dict.fromkeys(row["Player"] for row in rows))
    # T3SF keeps the inboxes it found in inboxes_discord.json in its working directory.
    os.chdir(tempfile.mkdtemp())
    with open("inboxes_discord.json", "w", encoding="utf-8") as f:
        json.dump({player: number for number, player in enumerate(players)}, f)

    asyncio.sleep = recorded_sleep
    # T3SF's Discord module reads a bot token when it is imported; the stubbed bot never
    # connects, so any text serves.
    os.environ.setdefault("DISCORD_TOKEN", "stub")
    from T3SF import T3SF

    t3sf = T3SF(bot=Bot(players), platform="discord")
    found = t3sf.IncidentsFetcher(msel)
    try:
        asyncio.run(t3sf.ProcessIncidents(msel, Context(), function_type="start"))
    except Exception as error:
        print(f"T3SF could not play {msel}: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
    json.dump({"players": found, "sent": sent, "waits": waits}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
