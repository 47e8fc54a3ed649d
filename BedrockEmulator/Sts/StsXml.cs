using System.Globalization;
using System.Text;
using System.Xml;
using Switchyard.BedrockEmulator.Auth;
using Switchyard.BedrockEmulator.Wire;

namespace Switchyard.BedrockEmulator.Sts;

/// <summary>STS answers in the awsQuery XML shape: <c>&lt;Action&gt;Response</c> with a result and the request id, or an <c>ErrorResponse</c>.</summary>
internal static class StsXml
{
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    private const string ContentType = "text/xml";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = true, OmitXmlDeclaration = true };

    public static ServiceResponse CallerIdentity(AwsCaller caller, string requestId) =>
        Response("GetCallerIdentity", requestId, xml =>
        {
            xml.WriteElementString("Arn", Namespace, caller.Arn);
            xml.WriteElementString("UserId", Namespace, caller.UserId);
            xml.WriteElementString("Account", Namespace, caller.Account.AccountId);
        });

    public static ServiceResponse AssumedRoleWithWebIdentity(SessionCredentials credentials, WebIdentityToken token, string requestId) =>
        Response("AssumeRoleWithWebIdentity", requestId, xml =>
        {
            if (token.Subject is { } subject)
            {
                xml.WriteElementString("SubjectFromWebIdentityToken", Namespace, subject);
            }

            if (token.Audience is { } audience)
            {
                xml.WriteElementString("Audience", Namespace, audience);
            }

            xml.WriteStartElement("AssumedRoleUser", Namespace);
            xml.WriteElementString("Arn", Namespace, credentials.Caller.Arn);
            xml.WriteElementString("AssumedRoleId", Namespace, credentials.Caller.UserId);
            xml.WriteEndElement();

            xml.WriteStartElement("Credentials", Namespace);
            xml.WriteElementString("SessionToken", Namespace, credentials.SessionToken);
            xml.WriteElementString("SecretAccessKey", Namespace, credentials.SecretAccessKey);
            xml.WriteElementString("Expiration", Namespace, credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            xml.WriteElementString("AccessKeyId", Namespace, credentials.AccessKeyId);
            xml.WriteEndElement();

            if (token.Issuer is { } issuer)
            {
                xml.WriteElementString("Provider", Namespace, issuer);
            }
        });

    public static ServiceResponse Error(in StsError error, string requestId)
    {
        var (code, message, senderFault) = (error.Code, error.Message, error.SenderFault);
        return new ServiceResponse(error.StatusCode, ContentType, Write(xml =>
        {
            xml.WriteStartElement("ErrorResponse", Namespace);
            xml.WriteStartElement("Error", Namespace);
            xml.WriteElementString("Type", Namespace, senderFault ? "Sender" : "Receiver");
            xml.WriteElementString("Code", Namespace, code);
            xml.WriteElementString("Message", Namespace, message);
            xml.WriteEndElement();
            xml.WriteElementString("RequestId", Namespace, requestId);
            xml.WriteEndElement();
        }), requestId);
    }

    private static ServiceResponse Response(string action, string requestId, Action<XmlWriter> result) =>
        new(StatusCodes.Status200OK, ContentType, Write(xml =>
        {
            xml.WriteStartElement(action + "Response", Namespace);
            xml.WriteStartElement(action + "Result", Namespace);
            result(xml);
            xml.WriteEndElement();
            xml.WriteStartElement("ResponseMetadata", Namespace);
            xml.WriteElementString("RequestId", Namespace, requestId);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }), requestId);

    private static byte[] Write(Action<XmlWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, Settings))
        {
            body(xml);
        }

        return buffer.ToArray();
    }
}
