"""The default pipeline, assembled from the stages the domain apps provide.

This is the composition root: the one place that knows every stage and their order, so the
domain apps need not know each other and the pipeline package knows none of them.
"""

from __future__ import annotations

from hubbub.analysis.stage import AnalysisStage
from hubbub.channels.stage import OwnPosts
from hubbub.crm.resolution import CustomerResolver
from hubbub.listening.stage import Listener
from hubbub.metrics.stage import count_topic_posts
from hubbub.pipeline.runner import Pipeline
from hubbub.pipeline.stages import drop_repeats_within, normalise
from hubbub.pipeline.store import drop_stored, write_posts
from hubbub.routing.stage import Router


def build_pipeline() -> Pipeline:
    """normalise → dedupe → assign brand → mark our own posts → match terms and sources → analyse →
    drop topics in unlistened languages → resolve customer → prioritise and route → count per topic →
    store."""
    listener = Listener()
    analysis = AnalysisStage()
    resolver = CustomerResolver()
    router = Router()
    return Pipeline(
        stages=[
            normalise,
            drop_repeats_within,
            drop_stored,
            listener.assign_brand,
            OwnPosts().mark_own_posts,
            listener.match_terms,
            analysis.analyse,
            listener.drop_unlistened_languages,
            resolver.resolve_customers,
            router.route,
            count_topic_posts,
        ],
        writer=write_posts,
    )
