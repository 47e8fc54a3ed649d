using System.Text;
using CsCheck;
using Switchyard.Tests.Fuzz;
using static Switchyard.Tests.Fuzz.FuzzDraw;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Generates Converse / ConverseStream requests for the Router's Bedrock door: a well-formed request (any
/// model group, model id, ARN or none; system, every content block kind including those the Router refuses,
/// inference and tool configuration) at a URL that varies the model id's encoding, then mutated as
/// <see cref="ChatRequestGen"/> does, about one body in eight corrupted byte-wise. Authorization varies too:
/// tenant keys, unknown ones, and malformed SigV4 headers.
/// </summary>
public sealed class ConverseRequestGen : Gen<FuzzCase>
{
    private static readonly string[] ModelIds =
    [
        "pair", "pair", "solo", "primary", "model-west", "model-east", "no-such-model", "PAIR", "%20",
        "arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fpair", "arn:aws:bedrock::/", "%2F", "pair%E2%82%AC", "a%2F..%2F..",
    ];

    private static readonly string[] Keys =
    [
        "messages", "role", "content", "text", "toolUse", "toolUseId", "name", "input", "toolResult", "status", "json",
        "system", "inferenceConfig", "maxTokens", "temperature", "topP", "stopSequences", "toolConfig", "tools", "toolSpec",
        "description", "inputSchema", "toolChoice", "auto", "any", "tool", "image", "format", "source", "bytes", "cachePoint", "",
        "\"\\ud800\"", "\"t\\u0065xt\"",
    ];

    private static readonly JsonFuzz Json = new(Keys, [.. Keys, "user", "assistant", "success", "error", "png"], JsonFuzz.EdgeNumbers);

    private static readonly string?[] OddAuthorizations =
    [
        null, "Bearer ", "Bearer unknown-key", "Bearer noisy-key", "Bearer closed-key", "AWS4-HMAC-SHA256 ",
        "AWS4-HMAC-SHA256 Credential=SYAKAAAAAAAAAAAAAAAA/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        "AWS4-HMAC-SHA256 Credential=x/y, SignedHeaders=, Signature=", "AWS4-HMAC-SHA256 Credential=////, SignedHeaders=host, Signature=ab",
    ];

    public override FuzzCase Generate(PCG pcg, Size? min, out Size size)
    {
        size = new Size(0);
        var request = WellFormed(pcg);
        for (var mutations = Pick(pcg, [0, 0, 0, 1, 1, 1, 2, 3, 5]); mutations > 0; mutations--)
        {
            Json.Mutate(pcg, request);
        }

        var body = Encoding.UTF8.GetBytes(request.ToString());
        if (Chance(pcg, 12))
        {
            body = JsonFuzz.Corrupt(pcg, body);
        }

        var authorization = Between(pcg, 0, 99) < 85 ? "Bearer test-key" : Pick(pcg, OddAuthorizations);
        var headers = authorization?.StartsWith("AWS4", StringComparison.Ordinal) == true
            ? [new KeyValuePair<string, string>("X-Amz-Date", Pick(pcg, ["20260101T000000Z", "garbage", "2026"]))]
            : (IReadOnlyList<KeyValuePair<string, string>>)[];
        var path = $"/model/{Pick(pcg, ModelIds)}/{(Chance(pcg, 30) ? "converse-stream" : "converse")}";
        return new FuzzCase(body, Chance(pcg, 90) ? "application/json" : Pick(pcg, ["text/plain", null]), authorization, path, headers);
    }

    private static JsonObject WellFormed(PCG pcg)
    {
        var request = new JsonObject([]);
        var messages = new List<JsonTree>();
        for (var i = Between(pcg, 1, 3); i > 0; i--)
        {
            var role = Pick(pcg, ["user", "user", "assistant", "system"]);
            messages.Add(new JsonObject([]).Add("role", JsonTree.String(role)).Add("content", new JsonArray([Block(pcg, role)])));
        }

        request.Add("messages", new JsonArray(messages));
        if (Chance(pcg, 30))
        {
            request.Add("system", new JsonArray([new JsonObject([]).Add("text", JsonTree.String("be brief"))]));
        }

        if (Chance(pcg, 50))
        {
            request.Add("inferenceConfig", new JsonObject([])
                .Add("maxTokens", Chance(pcg, 70) ? JsonTree.Number(Between(pcg, 1, 100)) : JsonTree.Raw(Pick(pcg, JsonFuzz.EdgeNumbers)))
                .Add("temperature", JsonTree.Raw(Chance(pcg, 70) ? "0.5" : Pick(pcg, JsonFuzz.EdgeNumbers)))
                .Add("stopSequences", new JsonArray([JsonTree.String(Pick(pcg, ["END", ""]))])));
        }

        if (Chance(pcg, 25))
        {
            var tool = new JsonObject([]).Add("toolSpec", new JsonObject([])
                .Add("name", JsonTree.String(Pick(pcg, ["lookup", ""])))
                .Add("inputSchema", new JsonObject([]).Add("json", new JsonObject([]).Add("type", JsonTree.String("object")))));
            var config = new JsonObject([]).Add("tools", new JsonArray([tool]));
            if (Chance(pcg, 50))
            {
                config.Add("toolChoice", new JsonObject([]).Add(Pick(pcg, ["auto", "any", "tool"]), new JsonObject([]).Add("name", JsonTree.String("lookup"))));
            }

            request.Add("toolConfig", config);
        }

        return request;
    }

    private static JsonObject Block(PCG pcg, string role) => Between(pcg, 0, 9) switch
    {
        < 6 => new JsonObject([]).Add("text", JsonTree.String(Pick(pcg, ["hello", "", "\u00e9t\u00e9"]))),
        6 => new JsonObject([]).Add("toolUse", new JsonObject([]).Add("toolUseId", JsonTree.String("t1")).Add("name", JsonTree.String("lookup"))
            .Add("input", new JsonObject([]).Add("city", JsonTree.String("Paris")))),
        7 => new JsonObject([]).Add("toolResult", new JsonObject([]).Add("toolUseId", JsonTree.String("t1"))
            .Add("content", new JsonArray([new JsonObject([]).Add(Chance(pcg, 70) ? "text" : "json", JsonTree.String("sunny"))]))),
        8 => new JsonObject([]).Add("image", new JsonObject([]).Add("format", JsonTree.String("png"))),
        _ => new JsonObject([]).Add("cachePoint", new JsonObject([]).Add("type", JsonTree.String(role))),
    };
}
