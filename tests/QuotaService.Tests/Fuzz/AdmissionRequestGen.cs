using System.Text;
using CsCheck;
using Switchyard.Tests.Fuzz;
using static Switchyard.Tests.Fuzz.FuzzDraw;

namespace Switchyard.QuotaService.Tests.Fuzz;

/// <summary>
/// Generates requests for the QuotaService's admission API (admit, settle, release) and, now and then, its
/// admin API's tenant creation: a well-formed request first, then mutated as a hostile or careless client
/// would (<see cref="JsonFuzz"/>: members of any type, nulls, duplicates, numbers at and past the int, long,
/// decimal and double bounds and the service's own bounds, unicode, escaped lone surrogates, huge strings),
/// and about one body in eight corrupted byte-wise. Lease ids come from a small shared pool, so cases admit
/// under an id, settle and release it (again: replayed), with another tenant's key (foreign), or name one
/// no admission ever took (forged). Keys vary: the seeded tenants' own, near misses (case, spaces, NUL), unknown, huge.
/// </summary>
public sealed class AdmissionRequestGen : Gen<FuzzCase>
{
    public const string AdminKey = QuotaServiceFactory.AdminKey;

    /// <summary>The key of a tenant the suite seeds with limits no run reaches, so most admissions are admitted and their leases settled.</summary>
    public const string FuzzTenantKey = "fuzz-tenant-key";

    private static readonly string[] Paths = ["/v1/admission/admit", "/v1/admission/admit", "/v1/admission/admit", "/v1/admission/settle", "/v1/admission/settle", "/v1/admission/release"];

    private static readonly string[] ApiKeys =
    [
        FuzzTenantKey, FuzzTenantKey, FuzzTenantKey, FuzzTenantKey, FuzzTenantKey, FuzzTenantKey, "demo-key", "demo-key", "consumer-a-key", "consumer-b-key", "consumer-c-key", "no-such-key", "", " demo-key",
        "DEMO-KEY", "demo-key\u0000", "sk-\U0001F600", "FUZZ-TENANT-KEY",
    ];

    private static readonly string[] ModelGroups = ["any-model", "any-model", "any-model", "any-model", "any-model", "any-model", "gpt-4o", "consumer-a-model", "consumer-b-model", "consumer-c-model", "", " ", "m\u0000", "\u202egroup"];

    /// <summary>A lease pool small enough that ids are admitted, settled and released again, across tenants.</summary>
    private static readonly string[] LeaseIds =
    [
        .. Enumerable.Range(0, 64).Select(i => $"fuzz-lease-{i:D4}"), "short", "x-y_z-0123", new string('a', 64), new string('a', 65), "{t:demo}:lease1",
        "lease id with spaces", "lease\u00e9-0001", "",
    ];

    /// <summary>Every member name the request schemas have (any case: the binder ignores it), and some written with escapes.</summary>
    private static readonly string[] Keys =
    [
        "apiKey", "modelGroup", "reservedTokens", "leaseId", "leaseTimeoutMs", "inputTokens", "outputTokens", "costUsd", "ApiKey", "LEASEID",
        "id", "displayName", "limits", "requestsPerMinute", "tokensPerMinute", "maxConcurrency", "dailyTokenBudget", "monthlySpendBudgetUsd",
        "allowedModelGroups", "tier", "dedicatedDeployments", "dedicatedAccounts", "", "\"\\ud800\"", "\"api\\u004bey\"", "\"lease\\u0049d\"",
        "\"reservedTokens\\udfff\"",
    ];

    /// <summary>The service's bounds (tokens 100,000,000; cost 100,000; limits 10^18; a day of milliseconds) and past them.</summary>
    private static readonly string[] BoundNumbers =
    [
        .. JsonFuzz.EdgeNumbers, "100000000", "100000001", "100000", "100000.0000000001", "1000000000000000000", "1000000000000000001",
        "86400000", "86400001", "79228162514264337593543950335", "79228162514264337593543950336", "-79228162514264337593543950336",
        "0.00000000000000000000000000001", "1e-7", "4.9e-324",
    ];

    private static readonly JsonFuzz Json = new(Keys, [.. Keys, .. ApiKeys, .. ModelGroups, .. LeaseIds, "interactive", "batch"], BoundNumbers);

    private static readonly string?[] OddContentTypes =
    [
        "application/json; charset=utf-8", "text/plain", null, "application/x-www-form-urlencoded", "application/json; charset=utf-16", "*/*",
        "application/problem+json", "APPLICATION/JSON", "application/json; charset=\"", "",
    ];

    private static readonly string?[] OddAdminKeys = [null, null, "Bearer ", "Bearer wrong-admin-key", "Basic dGVzdDp0ZXN0", "bearer " + AdminKey, "Bearer " + AdminKey + "x"];

    public override FuzzCase Generate(PCG pcg, Size? min, out Size size)
    {
        size = new Size(0);
        var admin = Chance(pcg, 5);
        var path = admin ? "/admin/tenants" : Pick(pcg, Paths);
        var request = path switch
        {
            "/admin/tenants" => Tenant(pcg),
            "/v1/admission/admit" => Admit(pcg),
            "/v1/admission/settle" => Settle(pcg),
            _ => new JsonObject([]).Add("apiKey", ApiKey(pcg)).Add("leaseId", LeaseId(pcg)),
        };
        for (var mutations = Pick(pcg, [0, 0, 0, 0, 0, 1, 1, 2, 3, 5]); mutations > 0; mutations--)
        {
            Json.Mutate(pcg, request);
        }

        var body = Encoding.UTF8.GetBytes(request.ToString());
        if (Chance(pcg, 12))
        {
            body = JsonFuzz.Corrupt(pcg, body);
        }

        // The admission API reads its key from the body; an Authorization header must change nothing there.
        var authorization = admin
            ? Chance(pcg, 80) ? "Bearer " + AdminKey : Pick(pcg, OddAdminKeys)
            : Chance(pcg, 90) ? null : Pick(pcg, OddAdminKeys);
        IReadOnlyList<KeyValuePair<string, string>>? headers = Chance(pcg, 5)
            ? [new("x-admin-key", Pick(pcg, [AdminKey, "", "wrong", " " + AdminKey]))]
            : null;
        return new FuzzCase(body, Chance(pcg, 85) ? "application/json" : Pick(pcg, OddContentTypes), authorization, path, headers);
    }

    private static JsonObject Admit(PCG pcg)
    {
        var request = new JsonObject([]).Add("apiKey", ApiKey(pcg)).Add("modelGroup", JsonTree.String(Pick(pcg, ModelGroups)))
            .Add("reservedTokens", Chance(pcg, 90) ? JsonTree.Number(Between(pcg, 1, 5000)) : JsonTree.Raw(Pick(pcg, BoundNumbers)));
        if (Chance(pcg, 50))
        {
            request.Add("leaseId", LeaseId(pcg));
        }

        if (Chance(pcg, 30))
        {
            request.Add("leaseTimeoutMs", Chance(pcg, 60) ? JsonTree.Number(Between(pcg, 1, 60_000)) : JsonTree.Raw(Pick(pcg, BoundNumbers)));
        }

        return request;
    }

    private static JsonObject Settle(PCG pcg) => new JsonObject([]).Add("apiKey", ApiKey(pcg)).Add("leaseId", LeaseId(pcg))
        .Add("inputTokens", Count(pcg)).Add("outputTokens", Count(pcg))
        .Add("costUsd", Chance(pcg, 90) ? JsonTree.Raw(Pick(pcg, ["0", "0.25", "1.5", "0.000001", "12"])) : JsonTree.Raw(Pick(pcg, BoundNumbers)));

    private static JsonObject Tenant(PCG pcg)
    {
        var limits = new JsonObject([]);
        foreach (var limit in new[] { "requestsPerMinute", "tokensPerMinute", "maxConcurrency", "dailyTokenBudget", "monthlySpendBudgetUsd" })
        {
            if (Chance(pcg, 40))
            {
                limits.Add(limit, Chance(pcg, 60) ? JsonTree.Number(Between(pcg, 1, 1000)) : JsonTree.Raw(Pick(pcg, BoundNumbers)));
            }
        }

        var tenant = new JsonObject([]).Add("id", JsonTree.String(Pick(pcg, ["fuzz-t1", "fuzz-t2", "fuzz-t3", "demo", "", "UPPER", "a/b", "t\u00e9", new string('t', 200)])))
            .Add("displayName", Chance(pcg, 80) ? JsonTree.String("Fuzz") : JsonTree.String(new string('n', Between(pcg, 100, 5000))))
            .Add("limits", limits);
        if (Chance(pcg, 40))
        {
            tenant.Add("allowedModelGroups", new JsonArray([JsonTree.String(Pick(pcg, ModelGroups))]));
        }

        if (Chance(pcg, 40))
        {
            tenant.Add("tier", JsonTree.String(Pick(pcg, ["interactive", "batch", "Batch", "gold", ""])));
        }

        return tenant;
    }

    private static JsonTree ApiKey(PCG pcg) => Between(pcg, 0, 19) switch
    {
        < 17 => JsonTree.String(Pick(pcg, ApiKeys)),
        17 => JsonTree.String(Draw(pcg, Gen.String)),
        18 => JsonTree.Raw(Pick(pcg, JsonFuzz.EdgeStringTokens)),
        _ => JsonTree.String(new string('k', Between(pcg, 1000, 100_000))),
    };

    private static JsonTree LeaseId(PCG pcg) => Between(pcg, 0, 19) switch
    {
        < 16 => JsonTree.String(Pick(pcg, LeaseIds)),
        16 => JsonTree.String("forged-" + Draw(pcg, Gen.String.AlphaNumeric)),
        17 => JsonTree.String(Draw(pcg, Gen.String)),
        18 => JsonTree.Raw(Pick(pcg, JsonFuzz.EdgeStringTokens)),
        _ => JsonTree.String(new string('l', Between(pcg, 65, 100_000))),
    };

    private static JsonTree Count(PCG pcg) => Chance(pcg, 90) ? JsonTree.Number(Between(pcg, 0, 5000)) : JsonTree.Raw(Pick(pcg, BoundNumbers));
}
