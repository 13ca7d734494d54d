"""Branching steps: ``union``, ``coalesce``, ``optional``, ``choose``/``branch``, ``local``,
``repeat`` and ``sideEffect``.

``repeat()`` runs its body a generation at a time (all traversers of loop *n* before any of
loop *n+1*), merging equal traversers between generations. That reproduces TinkerPop's
FIFO queue order and bulking without materialising one traverser per path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Pick, T

from graph.engine.compare import GremlinTypeError, equals
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    UNPRODUCTIVE,
    By,
    Context,
    Step,
    Traversal,
)
from graph.engine.predicates import Pred
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = ["MAX_LOOPS", "ChooseStep", "RepeatStep", "UnionStep"]

#: A repeat() still looping after this many iterations is a runaway (``repeat(identity())``
#: without ``until()``); Gremlin Server would spin until its timeout, we fail fast instead.
MAX_LOOPS = 100_000


def _trav_args(name: str, args: list[Any]) -> list[Traversal]:
    for a in args:
        if not isinstance(a, Traversal):
            if type(a).__name__ == "LambdaArg" or callable(a):
                raise GremlinError(f"lambdas are not supported by the embedded Gremlin engine (in {name}())")
            raise GremlinError(f"{name}() takes traversals, got {a!r}")
    return list(args)


def _mark_start(traversal: Traversal) -> None:
    if traversal.steps and hasattr(traversal.steps[0], "is_start"):
        first = traversal.steps[0]
        first.is_start = True  # type: ignore[attr-defined]
        if isinstance(first, UnionStep):
            for b in first.branches:
                _mark_start(b)


class UnionStep(Step):
    name = "union"

    def __init__(self, branches: list[Traversal], is_start: bool) -> None:
        super().__init__()
        self.branches = branches
        self.is_start = is_start
        if is_start:
            for b in branches:
                _mark_start(b)

    def children(self) -> list[Traversal]:
        return list(self.branches)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.is_start:
            for b in self.branches:
                first = b.steps[0] if b.steps else None
                if first is not None and getattr(first, "is_start", False):
                    yield from b.run(ctx, iter(()))
                else:
                    # a start union hands branches like select()/constant() one empty traverser
                    yield from b.run(ctx, iter((Traverser(None, 1, None, (), ctx.new_sack()),)))
            return
        if any(b.has_barrier() for b in self.branches):
            # a barrier in a branch makes Gremlin feed every traverser to every branch first
            items = list(it)
            for b in self.branches:
                yield from b.run(ctx, iter([t.clone() for t in items]))
            return
        for t in it:
            for b in self.branches:
                yield from b.run(ctx, iter((t.clone(),)))


register("union")(lambda c, a, s: UnionStep(_trav_args("union", a), s))


class CoalesceStep(Step):
    name = "coalesce"

    def __init__(self, branches: list[Traversal]) -> None:
        super().__init__()
        self.branches = branches

    def children(self) -> list[Traversal]:
        return list(self.branches)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for t in it:
            for b in self.branches:
                results = b.local(ctx, t, keep_bulk=True)
                first = next(results, None)
                if first is not None:
                    yield first
                    yield from results
                    break


register("coalesce")(lambda c, a, s: CoalesceStep(_trav_args("coalesce", a)))


class OptionalStep(Step):
    name = "optional"

    def __init__(self, branch: Traversal) -> None:
        super().__init__()
        self.branch = branch

    def children(self) -> list[Traversal]:
        return [self.branch]

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for t in it:
            results = self.branch.local(ctx, t, keep_bulk=True)
            first = next(results, None)
            if first is None:
                yield t
            else:
                yield first
                yield from results


@register("optional")
def _optional(compiler: Any, args: list[Any], is_start: bool) -> Step:
    ts = _trav_args("optional", args)
    if len(ts) != 1:
        raise GremlinError("optional() takes one traversal")
    return OptionalStep(ts[0])


class LocalStep(Step):
    name = "local"

    def __init__(self, branch: Traversal) -> None:
        super().__init__()
        self.branch = branch

    def children(self) -> list[Traversal]:
        return [self.branch]

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        # each unit of bulk is its own local evaluation, so run once and scale the bulk
        for t in it:
            bulk = t.bulk
            for r in self.branch.local(ctx, t):
                if bulk != 1:
                    r.bulk *= bulk
                yield r


@register("local")
def _local(compiler: Any, args: list[Any], is_start: bool) -> Step:
    ts = _trav_args("local", args)
    if len(ts) != 1:
        raise GremlinError("local() takes one traversal")
    return LocalStep(ts[0])


class SideEffectTraversalStep(Step):
    name = "sideEffect"

    def __init__(self, branch: Traversal) -> None:
        super().__init__()
        self.branch = branch

    def children(self) -> list[Traversal]:
        return [self.branch]

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for t in it:
            for _ in self.branch.local(ctx, t, keep_bulk=True):
                pass
            yield t


@register("sideEffect")
def _side_effect(compiler: Any, args: list[Any], is_start: bool) -> Step:
    ts = _trav_args("sideEffect", args)
    if len(ts) != 1:
        raise GremlinError("sideEffect() takes one traversal")
    return SideEffectTraversalStep(ts[0])


# ------------------------------------------------------------------------------ choose/branch
class ChooseStep(Step):
    """``choose``/``branch``: pick option branches by the value of a choice."""

    def __init__(self, name: str, choice: Any, predicate_mode: bool) -> None:
        super().__init__()
        self.name = name
        self.choice = choice  # Traversal | By | Pred
        self.predicate_mode = predicate_mode
        self.options: list[tuple[Any, Traversal]] = []

    def children(self) -> list[Traversal]:
        out = [t for _, t in self.options]
        if isinstance(self.choice, Traversal):
            out.insert(0, self.choice)
        elif isinstance(self.choice, By):
            out = self.choice.children() + out
        return out

    def modulate_option(self, *args: Any) -> None:
        if len(args) != 2:
            raise GremlinError("option() takes a pick token and a traversal")
        key, branch = args
        if not isinstance(branch, Traversal):
            raise GremlinError("option() takes a traversal as its second argument")
        if isinstance(key, Traversal) and self.name == "choose":
            raise GremlinError("Traversal is not allowed as a Pick token")
        self.options.append((key, branch))

    def _choice_value(self, ctx: Context, t: Traverser) -> Any:
        choice = self.choice
        if isinstance(choice, Traversal):
            if self.predicate_mode:
                return choice.test(ctx, t)
            return choice.first(ctx, t)
        if isinstance(choice, Pred):
            try:
                return choice.test(t.obj)
            except GremlinTypeError:
                return False
        if isinstance(choice, By):
            v = choice.value(ctx, t)
            return NOTHING if v is UNPRODUCTIVE else v
        return NOTHING

    def _branches(self, ctx: Context, t: Traverser, value: Any) -> list[Traversal]:
        picked: list[Traversal] = []
        anys: list[Traversal] = []
        nones: list[Traversal] = []
        unproductive: list[Traversal] = []
        for key, branch in self.options:
            if isinstance(key, Pick):
                kname = key.name.rstrip("_")
                if kname == "any":
                    anys.append(branch)
                elif kname == "none":
                    if not nones or self.name == "branch":
                        nones.append(branch)
                elif not unproductive or self.name == "branch":
                    unproductive.append(branch)
                continue
            if value is NOTHING:
                continue
            if isinstance(key, Pred):
                try:
                    ok = key.test(value)
                except GremlinTypeError:
                    ok = False
            elif isinstance(key, Traversal):
                ok = key.test(ctx, t.replace(value))
            else:
                ok = equals(key, value) or (key is value)
            if ok:
                picked.append(branch)
                if self.name == "choose":
                    break
        if value is NOTHING:
            return unproductive + anys if unproductive else []
        if not picked:
            picked = nones
        return picked + anys

    def _passes_through(self, value: Any) -> bool:
        if self.name != "choose":
            return False
        wanted = "unproductive" if value is NOTHING else "none"
        return not any(isinstance(k, Pick) and k.name.rstrip("_") == wanted for k, _ in self.options)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if any(b.has_barrier() for _, b in self.options):
            items = list(it)
            assigned: dict[int, list[Traverser]] = {}
            passing: list[Traverser] = []
            for t in items:
                value = self._choice_value(ctx, t)
                branches = self._branches(ctx, t, value)
                if not branches and self._passes_through(value):
                    passing.append(t)
                for b in branches:
                    assigned.setdefault(id(b), []).append(t.clone())
            seen: set[int] = set()
            for _, b in self.options:
                if id(b) in assigned and id(b) not in seen:
                    seen.add(id(b))
                    yield from b.run(ctx, iter(assigned[id(b)]))
            yield from passing
            return
        for t in it:
            value = self._choice_value(ctx, t)
            branches = self._branches(ctx, t, value)
            if not branches:
                if self._passes_through(value):
                    yield t
                continue
            for b in branches:
                yield from b.run(ctx, iter((t.clone(),)))


@register("choose")
def _choose(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        raise GremlinError("choose() needs a choice")
    first = args[0]
    if len(args) == 1:
        if isinstance(first, Traversal):
            return ChooseStep("choose", first, False)
        if isinstance(first, (str, T)):
            return ChooseStep("choose", By(first), False)
        raise GremlinError(f"choose() does not understand {first!r}")
    if len(args) in (2, 3):
        branches = _trav_args("choose", args[1:])
        if isinstance(first, Traversal) or isinstance(first, Pred):
            step = ChooseStep("choose", first, True)
        else:
            raise GremlinError(f"choose() does not understand {first!r}")
        step.options.append((True, branches[0]))
        if len(branches) == 2:
            step.options.append((False, branches[1]))
        else:
            from graph.engine.steps_map import IdentityStep

            identity = Traversal()
            identity.add(IdentityStep())
            step.options.append((False, identity))
        return step
    raise GremlinError("choose() takes one to three arguments")


@register("branch")
def _branch(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1:
        raise GremlinError("branch() takes one argument")
    first = args[0]
    if isinstance(first, Traversal):
        return ChooseStep("branch", first, False)
    if isinstance(first, (str, T)):
        return ChooseStep("branch", By(first), False)
    raise GremlinError(f"branch() does not understand {first!r}")


# ------------------------------------------------------------------------------ repeat
class RepeatStep(Step):
    name = "repeat"

    def __init__(self) -> None:
        super().__init__()
        self.body: Traversal | None = None
        self.loop_name: str | None = None
        self.until: Any = None  # Traversal | int (times) | Pred
        self.until_first = False
        self.emit: Any = None  # Traversal | True | Pred
        self.emit_first = False
        self.loop_key = object()

    def children(self) -> list[Traversal]:
        out = [self.body] if self.body is not None else []
        for x in (self.until, self.emit):
            if isinstance(x, Traversal):
                out.append(x)
        return out

    def set_body(self, body: Traversal, name: str | None) -> None:
        self.body = body
        self.loop_name = name

    def set_times(self, n: int) -> None:
        self.until = n
        self.until_first = self.body is None

    def set_until(self, arg: Any) -> None:
        if not isinstance(arg, (Traversal, Pred)):
            raise GremlinError("lambdas are not supported by the embedded Gremlin engine (in until())")
        self.until = arg
        self.until_first = self.body is None

    def set_emit(self, arg: Any) -> None:
        if arg is not None and not isinstance(arg, (Traversal, Pred)):
            raise GremlinError("lambdas are not supported by the embedded Gremlin engine (in emit())")
        self.emit = True if arg is None else arg
        self.emit_first = self.body is None

    def finish(self) -> None:
        from graph.engine.steps_map import InjectStep

        if self.body is None:
            raise GremlinError("The repeat()-traversal was not defined")
        if any(isinstance(s, InjectStep) for s in self.body.steps):
            raise GremlinError("The parent of inject()-step can not be repeat()-step")

    def _check(self, ctx: Context, cond: Any, t: Traverser) -> bool:
        if cond is None:
            return False
        if cond is True:
            return True
        if isinstance(cond, int) and not isinstance(cond, bool):
            return t.loops[-1][2] >= cond if t.loops else cond <= 0
        if isinstance(cond, Pred):
            return cond.test(t.obj)
        return cond.test(ctx, t)

    def _exit(self, t: Traverser) -> Traverser:
        out = t.clone()
        out.loops = t.loops[:-1]
        return out

    def _unrollable(self) -> bool:
        """TinkerPop's RepeatUnrollStrategy case: times(n) only, no global dedup, no loops()."""
        from graph.engine.steps_filter import DedupStep
        from graph.engine.steps_map import LoopsStep

        if self.emit is not None or not isinstance(self.until, int) or isinstance(self.until, bool):
            return False
        if self.until <= 0 or self.body is None:
            return False
        for step in self.body.walk():
            if isinstance(step, LoopsStep) or (isinstance(step, DedupStep) and not step.local):
                return False
        return True

    def _enter(self, start: Traverser) -> Traverser:
        key = self.loop_key
        if not start.loops or start.loops[-1][0] is not key:
            start = start.clone()
            start.loops = start.loops + ((key, self.loop_name, 0),)
        return start

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        assert self.body is not None
        if self._unrollable():
            # unrolled: each loop is a fresh copy of the body, all traversers loop together
            yield from self._loop(ctx, [self._enter(s) for s in it], reset=True)
        elif self.body.has_barrier():
            # a barrier in the body makes every loop see all traversers (eager, global)
            yield from self._loop(ctx, [self._enter(s) for s in it], reset=False)
        else:
            for start in it:
                yield from self._loop(ctx, [self._enter(start)], reset=False)

    def _loop(self, ctx: Context, starts: list[Traverser], reset: bool) -> Iterator[Traverser]:
        from graph.engine.steps_barrier import merge_traversers

        body = self.body
        assert body is not None
        key = self.loop_key
        with_path = ctx.with_path
        if starts:
            front: list[Traverser] = starts
            queued: list[Traverser] = []
            generations = 0
            while front or queued:
                generations += 1
                if generations > MAX_LOOPS:
                    raise GremlinError(
                        f"repeat() looped more than {MAX_LOOPS:,} times; "
                        "add until()/times() or check for cycles"
                    )
                body_in = queued
                for t in front:
                    if self.until_first and self._check(ctx, self.until, t):
                        yield self._exit(t)
                        continue
                    body_in.append(t)
                    if self.emit_first and self._check(ctx, self.emit, t):
                        yield self._exit(t)
                front, queued = [], []
                if not body_in:
                    break
                if len(body_in) > 1:
                    body_in = merge_traversers(ctx, body_in, with_path)
                if reset:
                    body.reset()
                for out in body.run(ctx, iter(body_in)):
                    loops = out.loops
                    if loops and loops[-1][0] is key:
                        out.loops = loops[:-1] + ((key, loops[-1][1], loops[-1][2] + 1),)
                    if not self.until_first and self._check(ctx, self.until, out):
                        yield self._exit(out)
                        continue
                    if self.until_first or self.emit_first:
                        front.append(out)
                    else:
                        queued.append(out)
                    if not self.emit_first and self._check(ctx, self.emit, out):
                        yield self._exit(out)
