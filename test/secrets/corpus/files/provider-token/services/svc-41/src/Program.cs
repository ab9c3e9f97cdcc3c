namespace Svc;

internal static class Secrets
{
    internal const string FlyApiToken = "fo1_WInbqreUEYsVI8OhM0tm8hRvL7rhb_aC2Oclgt1ZkyE";
    internal const string PulumiAccessToken = "pul-13e8c5431b19925da3a1c73a0fc8ca80e9254e79";
    internal const string DopplerToken = "dp.pt.YRrcgo30UzmvqHTy5mu4VQaauaB7mAOg44MzdR2gvEk";
}
