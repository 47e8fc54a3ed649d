using System.Text;
using CsCheck;
using Switchyard.Tests.Fuzz;
using static Switchyard.Tests.Fuzz.FuzzDraw;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Generates InvokeModel / InvokeModelWithResponseStream requests for <see cref="RouterHost"/>'s Bedrock door:
/// Anthropic Messages bodies (<see cref="MessagesRequestGen"/>'s, mostly with Bedrock's <c>anthropic_version</c>)
/// and Nova bodies (<see cref="ConverseRequestGen"/>'s, mostly with <c>schemaVersion</c>, maxTokens sometimes by
/// its older name), each sent mostly to a group of its family and sometimes to another, already mutated and
/// corrupted by those generators.
/// </summary>
public sealed class InvokeRequestGen : Gen<FuzzCase>
{
    private static readonly string[] ClaudeModels = ["claude", "claude", Uri.EscapeDataString(RouterHost.ClaudeWest), "nova", "pair", "no-such-model"];

    private static readonly string[] NovaModels = ["nova", "nova", Uri.EscapeDataString(RouterHost.NovaLite), "claude", "pair"];

    private readonly MessagesRequestGen _claude = new();

    private readonly ConverseRequestGen _nova = new();

    public override FuzzCase Generate(PCG pcg, Size? min, out Size size)
    {
        var claude = Chance(pcg, 50);
        var inner = claude ? _claude.Generate(pcg, min, out size) : _nova.Generate(pcg, min, out size);
        var body = Encoding.UTF8.GetString(inner.Body);
        if (claude && Chance(pcg, 90))
        {
            body = Prepend(body, "\"anthropic_version\":\"bedrock-2023-05-31\",");
        }
        else if (!claude)
        {
            body = Chance(pcg, 80) ? Prepend(body, "\"schemaVersion\":\"messages-v1\",") : body;
            body = Chance(pcg, 50) ? body.Replace("\"maxTokens\"", "\"max_new_tokens\"", StringComparison.Ordinal) : body;
        }

        var model = Pick(pcg, claude ? ClaudeModels : NovaModels);
        var path = $"/model/{model}/{(Chance(pcg, 30) ? "invoke-with-response-stream" : "invoke")}";
        // The Anthropic generator's x-api-key keys are no Bedrock credential: those cases carry the test tenant's bearer token.
        return new FuzzCase(Encoding.UTF8.GetBytes(body), inner.ContentType, inner.Authorization ?? "Bearer test-key", path, claude ? [] : inner.Headers);
    }

    /// <summary>Inserts a member at the start of a JSON object; any other body (corrupted, not an object) is sent as it is.</summary>
    private static string Prepend(string body, string member) =>
        body.StartsWith('{') && !body.StartsWith("{}", StringComparison.Ordinal) ? "{" + member + body[1..] : body;
}
