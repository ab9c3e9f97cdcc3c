namespace Svc;

internal static class Secrets
{
    internal const string ShopifyAccessToken = "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";
    internal const string DatabricksToken = "dapi63b5c1bb3bf87426274f97b4ad05deed";
    internal const string SlackBotToken = "xoxb-262785666880-2692499895134-AqFcoGs5wwppEZUxVySCG2qk";
}
