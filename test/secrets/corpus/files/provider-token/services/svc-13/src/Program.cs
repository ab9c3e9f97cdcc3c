namespace Svc;

internal static class Secrets
{
    internal const string ShopifyAccessToken = "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";
    internal const string DatabricksToken = "dapi303a0aa6dadb9cd0ea9e1763517c81e5";
    internal const string SlackBotToken = "xoxb-589324698493-6598915651599-ou07agDWuZE7BTkYzk61ff5H";
}
