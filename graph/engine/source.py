"""Source instructions (``withSideEffect``, ``withSack``, ``withStrategies``...) and strategies.

Strategies are split three ways. Ones that only optimise or verify things our evaluator
does not need (``LazyBarrierStrategy``, ``CountStrategy``...) are accepted and ignored: they
never change results. Ones that change what a traversal means are implemented
(``ReadOnlyStrategy``, ``SubgraphStrategy``, ``PartitionStrategy``, ``ProductiveByStrategy``,
``SeedStrategy``, the verification strategies that raise). Anything else raises
:class:`~graph.errors.UnsupportedStepError` rather than silently running differently.
"""

from __future__ import annotations

from typing import Any

from graph.engine.core import Traversal
from graph.errors import GremlinError, UnsupportedStepError

__all__ = ["IGNORED_STRATEGIES", "apply_source_instructions"]

IGNORED_STRATEGIES = frozenset(
    {
        "AdjacentToIncidentStrategy",
        "ByModulatorOptimizationStrategy",
        "ComputerFinalizationStrategy",
        "ComputerVerificationStrategy",
        "ConnectiveStrategy",
        "CountStrategy",
        "EarlyLimitStrategy",
        "FilterRankingStrategy",
        "GraphFilterStrategy",
        "HaltedTraverserStrategy",
        "IdentityRemovalStrategy",
        "IncidentToAdjacentStrategy",
        "InlineFilterStrategy",
        "LazyBarrierStrategy",
        "MatchAlgorithmStrategy",
        "MatchPredicateStrategy",
        "MessagePassingReductionStrategy",
        "OptionsStrategy",
        "OrderLimitStrategy",
        "PathProcessorStrategy",
        "PathRetractionStrategy",
        "ProfileStrategy",
        "ReferenceElementStrategy",
        "RepeatUnrollStrategy",
        "StandardVerificationStrategy",
        "LambdaRestrictionStrategy",
        "DetachStrategy",
        "VertexProgramRestrictionStrategy",
        "TranslationStrategy",
    }
)


def _strategy_name(strategy: Any) -> str:
    if isinstance(strategy, str):
        return strategy.rsplit(".", 1)[-1]
    if isinstance(strategy, type):
        return strategy.__name__
    name = getattr(strategy, "strategy_name", None) or type(strategy).__name__
    fqcn = getattr(strategy, "fqcn", None)
    if name == "TraversalStrategy" and fqcn:
        name = fqcn.rsplit(".", 1)[-1]
    return str(name)


def apply_source_instructions(compiler: Any, instructions: list[list[Any]]) -> None:
    ctx = compiler.ctx
    strategies: dict[str, dict[str, Any]] = {}
    for instruction in instructions:
        name, raw = instruction[0], instruction[1:]
        if name == "withStrategies":
            for strategy in raw:
                sname = _strategy_name(strategy)
                config = dict(getattr(strategy, "configuration", {}) or {})
                strategies[sname] = {k: compiler.normalize(v) for k, v in config.items()}
            continue
        if name == "withoutStrategies":
            for strategy in raw:
                sname = _strategy_name(strategy)
                strategies.pop(sname, None)
                ctx.removed_strategies.add(sname)
            continue
        args = [compiler.normalize(a) for a in raw]
        if name == "withSideEffect":
            if len(args) not in (2, 3):
                raise GremlinError("withSideEffect() takes a key, a value and an optional reducer")
            key, value = args[0], args[1]
            if isinstance(value, Traversal):
                raise UnsupportedStepError(
                    "withSideEffect", "withSideEffect() with a supplier is not supported"
                )
            ctx.side_effects[key] = value
            if len(args) == 3:
                _check_operator(args[2], "withSideEffect")
                ctx.reducers[key] = args[2]
        elif name == "withSack":
            if not args or len(args) > 3:
                raise GremlinError("withSack() takes an initial value and optional operators")
            ctx.has_sack = True
            ctx.sack_initial = args[0]
            if len(args) >= 2:
                merge = args[-1]
                _check_operator(merge, "withSack")
                ctx.sack_merge = merge
            if len(args) == 3:
                raise UnsupportedStepError(
                    "withSack", "withSack() split operators are lambdas; not supported"
                )
        elif name == "withBulk":
            ctx.bulk = bool(args[0]) if args else True
        elif name == "withPath":
            continue
        elif name == "with":
            if args:
                ctx.options[str(args[0])] = args[1] if len(args) > 1 else True
        elif name == "withComputer":
            strategies["VertexProgramStrategy"] = {}
        elif name in ("tx",):
            raise UnsupportedStepError(name, "transactions are not supported by the embedded engine")
        else:
            raise UnsupportedStepError(name)
    ctx.strategies = strategies
    _configure(compiler, strategies)


def _check_operator(op: Any, where: str) -> None:
    if type(op).__name__ != "Operator":
        if callable(op) or type(op).__name__ == "LambdaArg":
            raise GremlinError(f"lambdas are not supported by the embedded Gremlin engine (in {where}())")
        raise UnsupportedStepError(where, f"{where}() operator {op!r} is not supported")


def _configure(compiler: Any, strategies: dict[str, dict[str, Any]]) -> None:
    from graph.engine.strategies import PartitionConfig, SubgraphConfig

    ctx = compiler.ctx
    for name, config in strategies.items():
        if name in IGNORED_STRATEGIES:
            continue
        if name == "ReadOnlyStrategy":
            ctx.read_only = True
        elif name == "ProductiveByStrategy":
            ctx.productive_by = True
        elif name == "SeedStrategy":
            seed = config.get("seed", 0)
            ctx.seed = int(seed) if isinstance(seed, int) else 0
            ctx.random.seed(ctx.seed)
        elif name == "VertexProgramStrategy":
            if "VertexProgramRestrictionStrategy" in strategies:
                raise GremlinError("The TraversalSource does not allow the use of a GraphComputer")
            raise UnsupportedStepError("withComputer", "GraphComputer (OLAP) traversals are not supported")
        elif name == "PartitionStrategy":
            ctx.partition = PartitionConfig.from_config(config)
        elif name == "SubgraphStrategy":
            ctx.subgraph = SubgraphConfig.from_config(config)
        elif name in ("EdgeLabelVerificationStrategy", "ReservedKeysVerificationStrategy"):
            continue  # checked after compilation (graph.engine.strategies.verify)
        else:
            raise UnsupportedStepError(f"withStrategies({name})", f"strategy {name} is not supported")
