namespace Acme.Legacy
{
    public static class Settings
    {
        public const string ApiKey = "HLsiGdQcgBGdJ5r0hExCAExpaKkItyfY";
        public const string ClientSecret = "YnSY/iRSsL7BBGww8gdvwS9z0zxj/I/OmZEH1la/Wth7SwR2gS8pbXQreNbcKEKk";
        public const string TenantId = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    }
}
