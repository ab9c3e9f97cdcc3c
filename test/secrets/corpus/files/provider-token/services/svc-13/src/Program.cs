namespace Svc;

internal static class Secrets
{
    internal const string ShopifyAccessToken = "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";
    internal const string DatabricksToken = "dapi3d1d672ff95c016088d4cb17b7c04ed5";
    internal const string SlackBotToken = "xoxb-163802118875-5914358586105-CNuPQbTYeLVBUHXGNLy81rPN";
}
