namespace Svc;

internal static class Secrets
{
    internal const string FlyApiToken = "fo1_BLanJOqdHntKqng73ug8MexOZmJ5oyjfP9A0YljB7RM";
    internal const string PulumiAccessToken = "pul-4f390b77cd550bd60c90cbe69485b1b5922ad2ba";
    internal const string DopplerToken = "dp.pt.fl5Vk0ufSOcuDcSXpq4s6f1zXCGp0wrwRnddLa1eS8L";
}
