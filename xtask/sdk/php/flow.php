<?php
// Runs the core partner flow with the PHP client that `cargo xtask sdk`
// generates: token, current enterprise, create a client whose email contains
// `+`, get it back by email, assign a pass, delete it.
//
// Usage: JOBBERS_API_KEY=... JOBBERS_API_SECRET=... php flow.php SDK_DIR BASE_URL
// SDK_DIR is the generated client (target/sdk/php) and BASE_URL the API's
// base URL, such as http://127.0.0.1:8080. Guzzle comes from Debian's
// php-guzzlehttp-guzzle package, so no Composer install is needed.

declare(strict_types=1);

use GuzzleHttp\Client as HttpClient;
use JobbersOne\Client\Api\AuthenticationApi;
use JobbersOne\Client\Api\ClientsApi;
use JobbersOne\Client\Api\EnterprisesApi;
use JobbersOne\Client\Api\StockOfPassesApi;
use JobbersOne\Client\ApiException;
use JobbersOne\Client\Configuration;
use JobbersOne\Client\Model\AssignPassRequest;
use JobbersOne\Client\Model\CreateClientRequest;
use JobbersOne\Client\Model\Gender;
use JobbersOne\Client\Model\TokenRequest;

const GUZZLE_AUTOLOAD = '/usr/share/php/GuzzleHttp/autoload.php';
const CLIENT_EMAIL = 'sdk+php@clients.jobbers.com';
const PAYMENT_REFERENCE = 'sdk-php-flow-1';

function fail(string $message): never
{
    fwrite(STDERR, "error: $message\n");
    exit(1);
}

function env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        fail("environment variable $name is missing");
    }
    return $value;
}

/** Checks a condition of the flow and stops with the message when it fails. */
function check(bool $condition, string $message): void
{
    if (!$condition) {
        fail($message);
    }
}

if ($argc !== 3) {
    fail('usage: php flow.php SDK_DIR BASE_URL');
}
[, $sdkDir, $baseUrl] = $argv;
$apiKey = env('JOBBERS_API_KEY');
$apiSecret = env('JOBBERS_API_SECRET');

if (!is_file(GUZZLE_AUTOLOAD)) {
    fail('Guzzle not found at ' . GUZZLE_AUTOLOAD . '; install php-guzzlehttp-guzzle');
}
require GUZZLE_AUTOLOAD;

// The generated composer.json maps this namespace to lib/ (PSR-4).
spl_autoload_register(function (string $class) use ($sdkDir): void {
    $prefix = 'JobbersOne\\Client\\';
    if (str_starts_with($class, $prefix)) {
        $relative = str_replace('\\', '/', substr($class, strlen($prefix)));
        $file = "$sdkDir/lib/$relative.php";
        if (is_file($file)) {
            require $file;
        }
    }
});

// The base URL is set explicitly: the generated default is the production server.
$config = Configuration::getDefaultConfiguration()->setHost($baseUrl);
$http = new HttpClient(['timeout' => 30]);

try {
    $token = (new AuthenticationApi($http, $config))->requestToken(new TokenRequest([
        'grant_type' => 'password',
        'username' => $apiKey,
        'password' => $apiSecret,
    ]));
    check($token->getTokenType() === 'bearer', "token_type is {$token->getTokenType()}, expected bearer");
    echo "token: {$token->getTokenType()}, expires in {$token->getExpiresIn()} s\n";
    $config->setAccessToken($token->getAccessToken());

    $enterprise = (new EnterprisesApi($http, $config))->getCurrentEnterprise()->getData();
    echo "current enterprise: {$enterprise->getEnterpriseId()}\n";

    // The stock with available passes that expires last.
    $stocks = new StockOfPassesApi($http, $config);
    $stock = null;
    foreach ($stocks->listStocksOfPasses()->getData() as $candidate) {
        if ($candidate->getTotalAvailable() > 0
            && ($stock === null || $candidate->getExpirationDate() > $stock->getExpirationDate())) {
            $stock = $candidate;
        }
    }
    check($stock !== null, 'the enterprise has no stock of passes with an available pass');
    echo "stock of passes: {$stock->getStockId()} ({$stock->getTotalAvailable()} available, "
        . "expires {$stock->getExpirationDate()})\n";

    $clients = new ClientsApi($http, $config);
    $created = $clients->createClient(new CreateClientRequest([
        'email' => CLIENT_EMAIL,
        'first_name' => 'prenom',
        'last_name' => 'nom',
        'phone_prefix' => '+33',
        'phone' => '612345678',
        'address' => '1 rue de la Paix',
        'zip_code' => '75002',
        'city' => 'Paris',
        'country' => 'FR',
        'cgu' => true,
        'optin' => false,
        'gender' => Gender::FEMALE,
    ]))->getData();
    check($created->getEmail() === CLIENT_EMAIL, "created client has email {$created->getEmail()}");
    echo "created client {$created->getClientId()} {$created->getEmail()}, "
        . "subscription ends {$created->getEndSubscriptionDate()}\n";

    // The path value goes out percent-encoded, `+` as %2B.
    $fetched = $clients->getClient(CLIENT_EMAIL)->getData();
    check($fetched->getClientId() === $created->getClientId(),
        "client got by email has id {$fetched->getClientId()}, expected {$created->getClientId()}");
    echo "got client {$fetched->getClientId()} by email {$fetched->getEmail()}\n";

    $assigned = $stocks->assignPass(new AssignPassRequest([
        'email' => CLIENT_EMAIL,
        'stock_id' => $stock->getStockId(),
        'payment_reference' => PAYMENT_REFERENCE,
    ]))->getData();
    check($assigned->getEndSubscriptionDate() > $created->getEndSubscriptionDate(),
        "end of subscription {$assigned->getEndSubscriptionDate()} did not move forward");
    echo "assigned a pass: subscription ends {$assigned->getEndSubscriptionDate()}\n";

    $deleted = $clients->deleteClient(CLIENT_EMAIL)->getData();
    echo "deleted client {$created->getClientId()} at {$deleted->getLeavingDate()}\n";

    try {
        $clients->getClient(CLIENT_EMAIL);
        fail('the deleted client is still found');
    } catch (ApiException $error) {
        check($error->getCode() === 404, "getting the deleted client returned {$error->getCode()}, expected 404");
    }
    echo "PHP flow passed\n";
} catch (ApiException $error) {
    fail("HTTP {$error->getCode()}: {$error->getMessage()}\n{$error->getResponseBody()}");
} catch (InvalidArgumentException $error) {
    // The generated models reject values that break the document's schemas.
    fail('the response does not match the document: ' . $error->getMessage());
}
