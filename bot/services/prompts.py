"""The community's prompt pool and its rotation.

Rotation needs no state of its own: the next prompt is the least-posted one in pool order,
which gives no repeats until the pool is used up and keeps working when moderators add
or turn off prompts.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog import Catalog
from bot.storage.repository import PostRow, Repository

__all__ = ["CUSTOM_PROMPT_PREFIX", "PromptItem", "PromptService"]

CUSTOM_PROMPT_PREFIX = "custom-prompt-"


@dataclass(frozen=True, slots=True)
class PromptItem:
    id: str
    text: str
    lesson: str | None = None
    custom: bool = False


class PromptService:
    def __init__(self, repo: Repository, catalog: Catalog) -> None:
        self._repo = repo
        self._catalog = catalog

    async def pool(self, community_id: int) -> list[PromptItem]:
        disabled = await self._repo.disabled_content(community_id)
        items = [
            PromptItem(prompt.id, prompt.text, prompt.lesson)
            for prompt in self._catalog.prompts.values()
            if prompt.id not in disabled
        ]
        for row in await self._repo.custom_prompts(community_id):
            prompt_id = f"{CUSTOM_PROMPT_PREFIX}{row.id}"
            if prompt_id not in disabled:
                items.append(PromptItem(prompt_id, row.text, None, custom=True))
        return items

    async def next_prompt(self, community_id: int) -> PromptItem | None:
        pool = await self.pool(community_id)
        if not pool:
            return None
        posted = await self._repo.times_posted(community_id, "prompts")
        return min(pool, key=lambda item: posted.get(item.id, 0))  # min keeps the first of equals

    async def item(self, community_id: int, prompt_id: str) -> PromptItem | None:
        if prompt_id.startswith(CUSTOM_PROMPT_PREFIX):
            for row in await self._repo.custom_prompts(community_id):
                if f"{CUSTOM_PROMPT_PREFIX}{row.id}" == prompt_id:
                    return PromptItem(prompt_id, row.text, None, custom=True)
            return None
        prompt = self._catalog.prompts.get(prompt_id)
        return PromptItem(prompt.id, prompt.text, prompt.lesson) if prompt else None

    async def this_week(self, community_id: int) -> tuple[PromptItem | None, PostRow | None]:
        """The prompt last posted in the community (with its post), or, before any post, the next one."""
        post = await self._repo.latest_post(community_id, "prompts")
        if post and post.item_id:
            item = await self.item(community_id, post.item_id)
            if item:
                return item, post
        return await self.next_prompt(community_id), None
