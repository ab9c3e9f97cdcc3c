namespace Svc;

internal static class Secrets
{
    internal const string AwsAccessKeyId = "AKIA2LMPWLK737AICZXV";
}
