"""OpenAPI details drf-spectacular cannot infer by itself."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import build_array_type


class ProblemListExtension(OpenApiSerializerExtension):
    """400 answers are a bare JSON list of problems. drf-spectacular drops the list around
    ``many=True`` serializers on non-2xx responses, so ``ProblemListSerializer`` stands for the list."""

    target_class = "jixiao.api.serializers.ProblemListSerializer"

    def map_serializer(self, auto_schema, direction):
        from jixiao.api.serializers import ProblemSerializer

        return build_array_type(auto_schema.resolve_serializer(ProblemSerializer, direction).ref)
