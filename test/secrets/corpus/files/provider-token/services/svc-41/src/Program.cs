namespace Svc;

internal static class Secrets
{
    internal const string SlackUserToken = "xoxp-185449002568-797720261351-7722991776625-9af08dbdd478e14a478e10ffcb1e4505";
    internal const string SlackBotToken = "xoxb-920234082471-0636129286955-LQl1iYRcB91iFqxMQyuJFINs";
    internal const string DatabricksToken = "dapi4975440d1dc8f2fdb17ce96e0ca4a14f";
}
