"""``DynamicFrameCollection``: named frames, as ``relationalize``, ``split_fields`` and
``split_rows`` return them (re-exported as ``awsglue.dynamicframe.DynamicFrameCollection``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from playgrounds.glue.errors import GlueShimError

if TYPE_CHECKING:
    from playgrounds.glue.context import GlueContext
    from playgrounds.glue.dynamicframe import DynamicFrame


class DynamicFrameCollection:
    """Named DynamicFrames, as returned by ``relationalize`` and ``split_fields``."""

    def __init__(self, dynamic_frames: Mapping[str, DynamicFrame], glue_ctx: GlueContext) -> None:
        self._frames = dict(dynamic_frames)
        self.glue_ctx = glue_ctx

    def __getitem__(self, key: str) -> DynamicFrame:
        return self._frames[key]

    def __len__(self) -> int:
        return len(self._frames)

    def keys(self) -> Iterable[str]:
        """The frame names."""
        return self._frames.keys()

    def values(self) -> Iterable[DynamicFrame]:
        """The frames."""
        return self._frames.values()

    def select(self, key: str, transformation_ctx: str = "") -> DynamicFrame:
        """The frame named ``key``; an error names a missing key."""
        if key not in self._frames:
            raise GlueShimError(
                f"no frame named {key!r} in the collection (has {', '.join(self._frames)})"
            )
        return self._frames[key]

    def map(
        self, callable: Callable[[DynamicFrame, str], DynamicFrame], transformation_ctx: str = ""
    ) -> DynamicFrameCollection:
        """Apply ``callable(frame, transformation_ctx)`` to each frame."""
        return DynamicFrameCollection(
            {name: callable(frame, transformation_ctx) for name, frame in self._frames.items()},
            self.glue_ctx,
        )

    def flatmap(
        self, f: Callable[[DynamicFrame, str], Any], transformation_ctx: str = ""
    ) -> DynamicFrameCollection:
        """Apply ``f``; a collection result is flattened into this one."""
        out: dict[str, DynamicFrame] = {}
        for name, frame in self._frames.items():
            result = f(frame, transformation_ctx)
            if isinstance(result, DynamicFrameCollection):
                out.update({f"{name}_{k}": v for k, v in result._frames.items()})
            else:
                out[name] = result
        return DynamicFrameCollection(out, self.glue_ctx)
